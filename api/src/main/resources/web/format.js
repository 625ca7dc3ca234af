// Numbers, sizes, times and reasons in words a person reads at a glance.

const nf = new Intl.NumberFormat('en');

export function count(n) {
  return n === null || n === undefined ? '—' : nf.format(n);
}

/** Bytes in decimal units (kB, MB, GB), as a rate in MB/s reads. */
export function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function rate(bytesPerSecond) {
  if (!bytesPerSecond && bytesPerSecond !== 0) return '—';
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}

export function percent(p) {
  return p === null || p === undefined ? '' : `${Math.floor(p)} %`;
}

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago" for a recent instant, the date for an older one. */
export function when(iso, now = Date.now()) {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  const s = Math.round((t - now) / 1000);
  const a = Math.abs(s);
  if (a < 45) return rtf.format(s, 'second');
  if (a < 45 * 60) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 22 * 3600) return rtf.format(Math.round(s / 3600), 'hour');
  if (a < 7 * 86400) return rtf.format(Math.round(s / 86400), 'day');
  return exact(iso);
}

/** The instant in UTC to the second, for a tooltip or a table. */
export function exact(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? String(iso) : new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/**
 * A reason from the pipeline in plain words: the messages are written for people already, so only the
 * Java exception class a message may start with is dropped.
 */
export function reason(text) {
  if (!text) return '';
  return String(text).replace(/^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error):\s*/, '').trim();
}
