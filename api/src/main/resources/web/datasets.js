// Browse what is published: the datasets, and one dataset's versions, fields, lineage, records and files.

import { h, fill, scrollTable } from './dom.js';
import { apiUrl, getJson, pathSegments, plain, request } from './api.js';
import { bytes, count, exact, when } from './format.js';

const PAGE = 20;
const MAX_COLUMNS = 12;

/** The first of the named properties that is present (the API's names, with their likely synonyms). */
function pick(o, ...names) {
  for (const n of names) if (o && o[n] !== undefined && o[n] !== null) return plain(o[n]);
  return undefined;
}

function loading(el, what) {
  el.setAttribute('aria-busy', 'true');
  fill(el, h('p', { class: 'muted' }, `Loading ${what}…`));
}

function failed(el, e) {
  el.setAttribute('aria-busy', 'false');
  fill(el, h('p', { class: 'notice error', role: 'alert' }, e.message));
}

export const datasetHref = (name, version) =>
  `#/datasets/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}`;

function sourceText(source) {
  if (!source) return '—';
  if (typeof source === 'string') return source;
  switch (source.scheme) {
    case 's3': return `s3://${source.bucket}/${source.key}`;
    case 'efs': return `efs:inbox/${source.key}`;
    default: return `${source.scheme}:${source.key}`;
  }
}

export async function showDatasets() {
  const body = document.getElementById('datasets-body');
  loading(body, 'datasets');
  let answer;
  try {
    answer = await datasetPage(null);
  } catch (e) {
    return failed(body, e);
  }
  body.setAttribute('aria-busy', 'false');
  if (!answer.list.length) {
    return fill(body, h('p', { class: 'muted' }, 'Nothing is published yet. ', h('a', { href: '#/' }, 'Upload a file'), ' to make the first dataset.'));
  }
  const tbody = h('tbody', {}, answer.list.map(datasetRow));
  const more = h('button', { type: 'button', id: 'datasets-more', hidden: !answer.next }, 'Show more datasets');
  let next = answer.next;
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const page = await datasetPage(next);
      tbody.append(...page.list.map(datasetRow));
      next = page.next;
      more.hidden = !next;
    } catch (e) {
      body.append(h('p', { class: 'notice error', role: 'alert' }, e.message));
    }
    more.disabled = false;
  });
  fill(body, scrollTable('Published datasets', h('table', { class: 'data', id: 'datasets-table' },
    h('caption', { class: 'visually-hidden' }, 'Published datasets'),
    h('thead', {}, h('tr', {}, ['Name', 'Current version', 'Records', 'Size', 'Published', 'Source'].map((t) =>
      h('th', { scope: 'col', class: t === 'Records' || t === 'Size' ? 'num' : null }, t)))),
    tbody)), h('div', { class: 'pager' }, more));
}

async function datasetPage(after) {
  const answer = await getJson('api/datasets', { params: { after, limit: 100 }, what: 'The datasets could not be listed' });
  return Array.isArray(answer) ? { list: answer, next: null } : { list: answer.datasets || [], next: answer.next || null };
}

function datasetRow(d) {
  const name = pick(d, 'name', 'dataset');
  const at = pick(d, 'publishedAt', 'at', 'createdAt');
  return h('tr', { 'data-dataset': name },
    h('th', { scope: 'row' }, h('a', { href: datasetHref(name) }, name)),
    h('td', { class: 'mono' }, pick(d, 'current', 'version', 'currentVersion') || '—'),
    h('td', { class: 'num' }, count(pick(d, 'records'))),
    h('td', { class: 'num' }, bytes(pick(d, 'bytes', 'size'))),
    h('td', {}, at ? h('time', { datetime: at, title: exact(at) }, when(at)) : '—'),
    h('td', { class: 'source' }, sourceText(pick(d, 'source'))));
}

export async function showDataset(name, version) {
  const title = document.getElementById('dataset-title');
  const body = document.getElementById('dataset-body');
  title.textContent = name;
  document.title = `${name} · efspipe`;
  loading(body, 'the dataset');
  let manifest;
  let shown;
  let history = null;
  try {
    const [answer, versionList] = await Promise.all([
      request('GET', `api/datasets/${encodeURIComponent(name)}`, { params: { version }, what: `Dataset ${name}` }),
      getJson(`api/datasets/${encodeURIComponent(name)}/versions`, { what: `The versions of ${name}` }).catch(() => null),
    ]);
    manifest = await answer.json();
    shown = answer.headers.get('X-Version') || pick(manifest, 'version') || version;
    history = versionList;
  } catch (e) {
    return failed(body, e);
  }
  body.setAttribute('aria-busy', 'false');
  const current = history ? pick(history, 'current') : (version ? undefined : shown);
  fill(body,
    summary(manifest, shown, current),
    versions(name, history && history.versions, shown, current),
    fields(manifest),
    lineage(manifest),
    records(name, shown, manifest),
    downloads(name, shown, manifest));
}

function summary(m, version, current) {
  const parts = m.parts || [];
  const files = m.files || [];
  const partBytes = parts.reduce((s, p) => s + (p.bytes || 0), 0);
  const item = (term, value, cls) => h('div', { class: cls }, h('dt', {}, term), h('dd', {}, value));
  return h('section', { class: 'panel', 'aria-labelledby': 'ds-summary' },
    h('h2', { id: 'ds-summary', class: 'visually-hidden' }, 'Summary'),
    h('dl', { class: 'facts' },
      item('Version', h('span', { class: 'mono' }, version, current && current === version ? h('span', { class: 'tag' }, 'current') : null), 'wide'),
      item('Records', h('span', { id: 'ds-records' }, count(m.records))),
      item('Parts', `${count(parts.length)} · ${bytes(partBytes)}`),
      item('Files', count(files.length)),
      item('Input', bytes(m.inputBytes)),
      item('Published', m.createdAt ? h('time', { datetime: m.createdAt, title: exact(m.createdAt) }, when(m.createdAt)) : '—')));
}

function versions(name, list, shown, current) {
  if (!Array.isArray(list) || !list.length) return null;
  const items = [...list].map((v) => (typeof v === 'string' ? { version: v } : v))
    .sort((a, b) => String(pick(b, 'version', 'name')).localeCompare(String(pick(a, 'version', 'name'))))
    .map((v) => {
      const id = pick(v, 'version', 'name');
      const label = [id, v.records !== undefined ? `${count(v.records)} records` : null].filter(Boolean).join(' · ');
      return h('li', {},
        id === shown ? h('span', { 'aria-current': 'page', class: 'mono' }, label) : h('a', { class: 'mono', href: datasetHref(name, id) }, label),
        id === current ? h('span', { class: 'tag' }, 'current') : null);
    });
  return h('section', { class: 'panel', 'aria-labelledby': 'ds-versions' },
    h('h2', { id: 'ds-versions' }, `Versions (${list.length})`), h('ul', { class: 'versions' }, items));
}

function fields(m) {
  const section = h('section', { class: 'panel', 'aria-labelledby': 'ds-fields' }, h('h2', { id: 'ds-fields' }, 'Fields'));
  const paths = (m.fields && m.fields.paths) || [];
  if (!paths.length) {
    section.append(h('p', { class: 'muted' }, m.records ? 'No field summary in this version.' : 'This version has no records.'));
    return section;
  }
  const total = m.records || 0;
  const rows = paths.map((f) => h('tr', {},
    h('th', { scope: 'row', class: 'mono' }, f.path),
    h('td', {}, (f.types || []).flatMap((t, i) => [i ? ' ' : null, h('span', { class: `type type-${t}` }, t)])),
    h('td', { class: 'num' }, count(f.count)),
    h('td', { class: 'num' }, count(f.nulls)),
    h('td', { class: 'num' }, total && !f.path.includes('[]') ? `${Math.round((100 * f.count) / total)} %` : '')));
  section.append(scrollTable('Field summary', h('table', { class: 'data', id: 'fields-table' },
    h('caption', { class: 'visually-hidden' }, 'Field summary: path, JSON types seen, occurrences, nulls'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Path'), h('th', { scope: 'col' }, 'Types'), h('th', { scope: 'col', class: 'num' }, 'Count'),
      h('th', { scope: 'col', class: 'num' }, 'Nulls'), h('th', { scope: 'col', class: 'num' }, 'In records'))),
    h('tbody', {}, rows))));
  if (m.fields.unnamed) section.append(h('p', { class: 'hint' }, `${count(m.fields.unnamed)} more occurrences beyond the summary's depth or path bound.`));
  return section;
}

function lineage(m) {
  const s = m.source || {};
  const rows = [
    ['Source', sourceText(m.source)],
    ['Object version', s.versionId || (s.eTag ? `ETag ${s.eTag}` : null)],
    ['Uploaded size', s.size !== undefined ? bytes(s.size) : null],
    ['Job', m.jobId],
    ['Records at', m.recordPointer || (m.records ? 'detected' : null)],
    ['Invocations', m.invocations > 1 ? `${m.invocations} (continued from checkpoints)` : m.invocations],
    ['Timings', m.timingsMs ? Object.entries(m.timingsMs).map(([k, v]) => `${k} ${count(v)} ms`).join(', ') : null],
    ['Created', m.createdAt ? exact(m.createdAt) : null],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '');
  return h('section', { class: 'panel', 'aria-labelledby': 'ds-lineage' },
    h('h2', { id: 'ds-lineage' }, 'Lineage'),
    h('dl', { class: 'lineage' }, rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', { class: k === 'Job' || k === 'Source' ? 'mono' : null }, String(v))))));
}

function filePath(name, path) {
  return `api/datasets/${encodeURIComponent(name)}/files/${pathSegments(path)}`;
}

function downloads(name, version, m) {
  const section = h('section', { class: 'panel', 'aria-labelledby': 'ds-downloads' }, h('h2', { id: 'ds-downloads' }, 'Downloads'));
  const item = (f, extra) => {
    const status = h('span', { class: 'download-status', 'aria-live': 'polite' });
    const link = h('a', { href: apiUrl(filePath(name, f.name), { version }).href, download: f.name.split('/').pop(), 'data-file': f.name }, f.name);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      download(filePath(name, f.name), version, link.getAttribute('download'), status);
    });
    return h('li', {}, link,
      h('span', { class: 'muted' }, ` ${f.bytes === undefined ? '' : bytes(f.bytes)}${extra ? ` · ${extra}` : ''}`),
      f.sha256 ? h('span', { class: 'sha', title: `SHA-256 ${f.sha256}` }, ` sha256 ${f.sha256.slice(0, 12)}…`) : null,
      status);
  };
  const parts = m.parts || [];
  const files = m.files || [];
  if (parts.length) {
    section.append(h('h3', {}, 'Record parts (NDJSON)'),
      h('ul', { class: 'files', id: 'parts-list' }, parts.map((p) => item(p, `${count(p.records)} records from ${p.source}`))));
  }
  if (files.length) section.append(h('h3', {}, 'Files'), h('ul', { class: 'files', id: 'files-list' }, files.map((f) => item(f))));
  section.append(h('ul', { class: 'files' }, item({ name: 'manifest.json' }, 'everything above, as JSON')));
  return section;
}

/**
 * Saves a published file. One API answer carries a few MB at most (a Lambda response is capped), so a
 * larger file comes in ranges: each answer names the next range (X-Next-Range) until the last; the
 * pieces are joined in the browser and saved under the file's name.
 */
async function download(path, version, fileName, status) {
  const pieces = [];
  let range = 'bytes=0-';
  let received = 0;
  status.textContent = ' downloading…';
  try {
    while (range) {
      const answer = await request('GET', path, { params: { version }, headers: { Range: range, Accept: '*/*' }, what: `Download of ${fileName}` });
      const piece = await answer.blob();
      pieces.push(piece);
      received += piece.size;
      const total = Number((answer.headers.get('Content-Range') || '').split('/')[1]) || received;
      range = answer.headers.get('X-Next-Range');
      status.textContent = range ? ` downloading ${Math.floor((100 * received) / total)} %` : ` saved (${bytes(received)})`;
    }
  } catch (e) {
    status.textContent = ` ${e.message}`;
    return;
  }
  const url = URL.createObjectURL(new Blob(pieces, { type: 'application/octet-stream' }));
  const save = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The records preview: a table of one page, with the API's cursor for the next page. */
function records(name, version, m) {
  const section = h('section', { class: 'panel', 'aria-labelledby': 'ds-records-title' }, h('h2', { id: 'ds-records-title' }, 'Records'));
  if (!m.records) {
    section.append(h('p', { class: 'muted' }, 'This version has no records.'));
    return section;
  }
  const status = h('p', { class: 'page-status', id: 'records-status', 'aria-live': 'polite' });
  const table = h('div', { id: 'records-table' });
  const prev = h('button', { type: 'button', id: 'records-prev' }, '← Previous');
  const next = h('button', { type: 'button', id: 'records-next' }, 'Next →');
  const cursors = [null]; // cursors[i] fetches page i
  const counts = []; // counts[i] records on page i
  let page = 0;

  async function load(i) {
    prev.disabled = true;
    next.disabled = true;
    table.setAttribute('aria-busy', 'true');
    let answer;
    try {
      answer = await recordPage(name, version, cursors[i]);
    } catch (e) {
      table.setAttribute('aria-busy', 'false');
      fill(table, h('p', { class: 'notice error', role: 'alert' }, e.message));
      prev.disabled = i === 0;
      return;
    }
    page = i;
    if (answer.next) cursors[i + 1] = answer.next;
    counts[i] = answer.records.length; // a page can hold fewer than PAGE records: the API also stops at a byte budget
    const offset = counts.slice(0, i).reduce((s, n) => s + n, 0);
    fill(table, recordTable(answer.records, offset));
    table.setAttribute('aria-busy', 'false');
    status.textContent = answer.records.length
      ? `Records ${count(offset + 1)}–${count(offset + answer.records.length)} of ${count(m.records)}`
      : `No records on this page (of ${count(m.records)}).`;
    prev.disabled = i === 0;
    next.disabled = !answer.next;
  }

  prev.addEventListener('click', () => load(page - 1));
  next.addEventListener('click', () => load(page + 1));
  section.append(status, table, h('div', { class: 'pager' }, prev, next));
  load(0);
  return section;
}

/** One page from the API: JSON ({records, next…}) or NDJSON with the cursor in a header. */
async function recordPage(name, version, cursor) {
  const response = await request('GET', `api/datasets/${encodeURIComponent(name)}/records`, {
    params: { limit: PAGE, cursor, version },
    headers: { Accept: 'application/json, application/x-ndjson, application/problem+json' },
    what: 'The records could not be read',
  });
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('ndjson') || type.includes('jsonl')) {
    const text = await response.text();
    return {
      records: text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)),
      next: response.headers.get('Next-Cursor') || response.headers.get('X-Next-Cursor') || null,
    };
  }
  const o = await response.json();
  return {
    records: o.records || o.items || [],
    next: pick(o, 'next', 'nextCursor', 'cursor') || null,
  };
}

function cell(v) {
  if (v === null) return h('td', { class: 'null' }, 'null');
  if (typeof v === 'object') {
    const json = JSON.stringify(v);
    return h('td', { class: 'json', title: json.length > 80 ? json.slice(0, 2000) : null }, json.length > 80 ? `${json.slice(0, 79)}…` : json);
  }
  if (typeof v === 'string') return h('td', { title: v.length > 80 ? v.slice(0, 2000) : null }, v.length > 80 ? `${v.slice(0, 79)}…` : v);
  return h('td', { class: typeof v === 'number' ? 'num' : null }, String(v));
}

function recordTable(list, offset) {
  if (!list.length) return h('p', { class: 'muted' }, 'No records.');
  const objects = list.every((r) => r && typeof r === 'object' && !Array.isArray(r));
  const columns = [];
  if (objects) {
    for (const r of list) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  }
  const shown = columns.slice(0, MAX_COLUMNS);
  const more = columns.length > shown.length;
  const head = h('tr', {}, h('th', { scope: 'col', class: 'num' }, '#'),
    objects ? shown.map((c) => h('th', { scope: 'col' }, c)) : h('th', { scope: 'col' }, 'Value'),
    more ? h('th', { scope: 'col' }, `+${columns.length - shown.length} more`) : null);
  const rows = list.map((r, i) => h('tr', {},
    h('th', { scope: 'row', class: 'num' }, count(offset + i + 1)),
    objects ? shown.map((c) => (c in r ? cell(r[c]) : h('td', { class: 'absent' }, ''))) : cell(r),
    more ? cell(Object.fromEntries(columns.slice(MAX_COLUMNS).filter((c) => c in r).map((c) => [c, r[c]]))) : null));
  return scrollTable('Records of this page', h('table', { class: 'data records' },
    h('caption', { class: 'visually-hidden' }, 'Records'), h('thead', {}, head), h('tbody', {}, rows)));
}
