// The page's entry: hash routes (#/, #/datasets, #/datasets/NAME[/VERSION], #/wall) over one document.

import { initUploads } from './uploads.js';
import { showDatasets, showDataset } from './datasets.js';
import { initWall, showWall } from './wall.js';

const routes = [
  { pattern: /^\/?$|^\/upload$/, view: 'upload', nav: 'upload', title: 'Upload' },
  { pattern: /^\/datasets\/?$/, view: 'datasets', nav: 'datasets', title: 'Datasets', enter: showDatasets },
  { pattern: /^\/datasets\/([^/]+)(?:\/([^/]+))?\/?$/, view: 'dataset', nav: 'datasets', enter: (name, version) => showDataset(name, version) },
  { pattern: /^\/wall\/?$/, view: 'wall', nav: 'wall', title: 'Wall', enter: showWall },
];

let first = true;

function route() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  let match = null;
  let r = routes.find((x) => (match = x.pattern.exec(path)));
  if (!r) r = { view: 'missing', title: 'Not found' };
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== `view-${r.view}`;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (r.title) document.title = `${r.title} · efspipe`;
  const args = match ? match.slice(1).map((s) => (s === undefined ? undefined : decodeURIComponent(s))) : [];
  if (r.enter) r.enter(...args);
  // Move focus to the new view's heading, so keyboard and screen reader users start there.
  if (!first) document.querySelector(`#view-${r.view} h1`).focus();
  first = false;
}

initUploads();
initWall();
window.addEventListener('hashchange', route);
route();
document.documentElement.dataset.ready = 'true';
