// The upload view: a card per file that shows its transfer, then its way through the pipeline.

import { h, fill, announce } from './dom.js';
import { upload } from './upload.js';
import { follow, describe } from './follow.js';
import { bytes, count, rate, percent, reason, when } from './format.js';
import { plain } from './api.js';

const STORE = 'efspipe.uploads';

export function initUploads() {
  const input = document.getElementById('file-input');
  const zone = document.getElementById('dropzone');
  input.addEventListener('change', () => {
    start([...input.files]);
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      if (type === 'drop' || !zone.contains(e.relatedTarget)) zone.classList.remove('dragging');
    });
  }
  zone.addEventListener('drop', (e) => start([...(e.dataTransfer ? e.dataTransfer.files : [])]));
  // A drop that misses the zone must not make the browser open the file instead of the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  for (const saved of load()) new UploadCard(saved.name, saved.size).resume(saved.key);
}

function start(files) {
  const dataset = document.getElementById('opt-dataset');
  const pointer = document.getElementById('opt-pointer');
  if (dataset.value && !dataset.checkValidity()) {
    dataset.closest('details').open = true;
    dataset.reportValidity();
    return;
  }
  for (const file of files) {
    new UploadCard(file.name, file.size).send(file, { dataset: dataset.value.trim(), recordPointer: pointer.value.trim() });
  }
}

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) || '[]');
  } catch {
    return [];
  }
}

function remember(entry) {
  const all = load().filter((e) => e.key !== entry.key);
  all.push(entry);
  sessionStorage.setItem(STORE, JSON.stringify(all.slice(-50)));
}

function forget(key) {
  sessionStorage.setItem(STORE, JSON.stringify(load().filter((e) => e.key !== key)));
}

class UploadCard {
  constructor(name, size) {
    this.name = name;
    this.size = size;
    this.retries = 0;
    this.controller = new AbortController();
    const id = `u${Math.random().toString(36).slice(2, 10)}`;
    this.badge = h('span', { class: 'badge' });
    this.transferBar = h('progress', { id: `${id}-t`, max: String(Math.max(size, 1)), value: '0' });
    this.transferText = h('span', { class: 'bar-value' });
    this.transferNote = h('p', { class: 'note', hidden: true });
    this.processBar = h('progress', { id: `${id}-p`, max: '100' });
    this.processText = h('span', { class: 'bar-value' });
    this.processRow = h('div', { class: 'bar-row', hidden: true },
      h('label', { for: `${id}-p` }, 'Processing'), this.processBar, this.processText);
    this.stats = h('p', { class: 'stats', hidden: true });
    this.line = h('p', { class: 'status-line' });
    this.outcome = h('p', { class: 'outcome', hidden: true });
    this.cancel = h('button', { type: 'button', class: 'small', 'aria-label': `Cancel the upload of ${name}`,
      onclick: () => this.controller.abort() }, 'Cancel');
    this.dismiss = h('button', { type: 'button', class: 'small', hidden: true, 'aria-label': `Remove ${name} from this list`,
      onclick: () => this.remove() }, 'Remove');
    this.el = h('li', { class: 'upload', 'data-name': name },
      h('div', { class: 'upload-head' },
        h('span', { class: 'file-name' }, name),
        h('span', { class: 'size' }, bytes(size)),
        this.badge),
      h('div', { class: 'bar-row' }, h('label', { for: `${id}-t` }, 'Transfer'), this.transferBar, this.transferText),
      this.transferNote,
      this.processRow,
      this.stats,
      this.line,
      this.outcome,
      h('div', { class: 'card-actions' }, this.cancel, this.dismiss));
    document.getElementById('uploads').prepend(this.el);
    document.getElementById('uploads-empty').hidden = true;
  }

  setState(state, badge, line) {
    this.el.dataset.state = state;
    this.badge.className = `badge state-${state}`;
    this.badge.textContent = badge;
    this.line.textContent = line || '';
    this.line.hidden = !line;
  }

  async send(file, options) {
    this.setState('uploading', 'Sending', 'Sending the file to storage.');
    const started = performance.now();
    let plan;
    try {
      plan = await upload(file, {
        ...options,
        signal: this.controller.signal,
        onPlan: (p) => {
          plan = p;
          this.el.dataset.key = p.key;
          if (p.parts) {
            this.el.dataset.parts = String(p.parts.length);
            this.parts = `${p.parts.length} parts of ${bytes(p.partSize)}`;
            this.note(`In ${this.parts}, three at a time.`);
          }
        },
        onProgress: (sent, total) => {
          this.transferBar.value = sent;
          const secs = (performance.now() - started) / 1000;
          this.transferText.textContent = `${percent((100 * sent) / Math.max(total, 1))}${secs > 0.5 ? ` · ${rate(sent / secs)}` : ''}`;
        },
        onRetry: ({ partNumber, attempt, error, delayMs }) => {
          this.retries++;
          this.el.dataset.retries = String(this.retries);
          this.note(`Part ${partNumber} failed (${error.message}); trying it again in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1}).`);
        },
      });
    } catch (e) {
      this.cancel.hidden = true;
      this.dismiss.hidden = false;
      if (e.name === 'AbortError') {
        this.setState('cancelled', 'Cancelled', 'The upload was cancelled; nothing was kept.');
      } else {
        this.setState('upload-failed', 'Not sent', '');
        this.showReason(e.message);
        announce(`${this.name} could not be uploaded: ${e.message}`);
      }
      return;
    }
    this.transferBar.value = this.size;
    this.transferText.textContent = '100 %';
    if (this.parts) {
      const again = this.retries ? `; ${this.retries} part ${this.retries === 1 ? 'attempt was' : 'attempts were'} repeated` : '';
      this.note(`Sent in ${this.parts}${again}.`);
    }
    announce(`${this.name} uploaded; following its processing.`);
    remember({ key: plan.key, name: this.name, size: this.size });
    this.resume(plan.key);
  }

  async resume(key) {
    this.el.dataset.key = key;
    this.transferBar.value = this.transferBar.max;
    this.transferText.textContent = 'sent';
    this.cancel.hidden = true;
    this.dismiss.hidden = false;
    this.setState('missing', 'Waiting', 'Waiting for the pipeline.');
    let previous = null;
    const final = await follow(key, {
      signal: this.controller.signal,
      onStatus: (s) => {
        this.show(s, previous);
        previous = s.state;
      },
      onTrouble: (e, delay) => {
        this.line.textContent = `Lost contact with the server (${e.message}); trying again in ${Math.round(delay / 1000)} s.`;
      },
    });
    if (final) {
      forget(key);
      const words = final.state === 'published'
        ? `${this.name} is published: ${count(final.records)} records in ${plain(final.dataset)}.`
        : `${this.name} was ${final.state}: ${reason(final.reason)}`;
      announce(words);
    }
  }

  show(s, previous) {
    const d = describe(s);
    let line = d.line;
    if (s.state === 'processing' && previous === 'suspended') line = 'Resumed from its checkpoint.';
    this.setState(s.state, d.badge, line);
    const p = s.progress;
    const active = s.state === 'processing' || s.state === 'suspended';
    this.processRow.hidden = !active && s.state !== 'published';
    if (s.state === 'published') {
      this.processBar.value = 100;
      this.processText.textContent = '100 %';
    } else if (p && p.percent !== null && p.percent !== undefined) {
      this.processBar.value = p.percent;
      this.processText.textContent = percent(p.percent);
    } else if (active) {
      this.processBar.removeAttribute('value'); // indeterminate until the first progress arrives
      this.processText.textContent = '';
    }
    if (p && active) {
      const parts = [];
      if (p.records !== null && p.records !== undefined) parts.push(`${count(p.records)} records`);
      if (p.bytesRead !== null && p.bytesRead !== undefined) parts.push(`${bytes(p.bytesRead)} of ${bytes(p.totalBytes)} read`);
      if (p.bytesPerSecond) parts.push(rate(p.bytesPerSecond));
      if (p.updatedAt) parts.push(`updated ${when(p.updatedAt)}`);
      fill(this.stats, parts.join(' · '));
      this.stats.hidden = parts.length === 0;
    } else {
      this.stats.hidden = true;
    }
    if (s.state === 'published') {
      const name = plain(s.dataset);
      const version = plain(s.version);
      const href = `#/datasets/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}`;
      fill(this.outcome, `${count(s.records)} records in `, h('a', { href, class: 'dataset-link' }, name),
        version ? h('span', { class: 'muted' }, ` (version ${version})`) : null);
      this.outcome.className = 'outcome ok';
      this.outcome.hidden = false;
    } else if (s.state === 'failed' || s.state === 'rejected') {
      this.showReason(s.reason || 'No reason was recorded.');
    }
  }

  showReason(text) {
    fill(this.outcome, h('strong', {}, 'Why: '), h('span', { class: 'reason' }, reason(text)));
    this.outcome.className = 'outcome error';
    this.outcome.hidden = false;
  }

  note(text) {
    this.transferNote.textContent = text;
    this.transferNote.hidden = false;
  }

  remove() {
    this.controller.abort();
    if (this.el.dataset.key) forget(this.el.dataset.key);
    const list = this.el.parentElement;
    this.el.remove();
    document.getElementById('uploads-empty').hidden = list.children.length > 0;
    document.getElementById('upload-title').focus();
  }
}
