// The seed's MessageWall: read it, append a line, clear it.

import { request } from './api.js';
import { announce } from './dom.js';

const wall = () => document.getElementById('wall');
const error = () => document.getElementById('wall-error');

function showError(e) {
  error().textContent = e ? e.message : '';
  error().hidden = !e;
}

async function call(method, text) {
  const response = await request(method, 'api/messages', { text, headers: { Accept: 'text/plain, application/problem+json' }, what: method === 'GET' ? 'The wall could not be read' : 'The wall did not take it' });
  return response.text();
}

export async function showWall() {
  try {
    wall().textContent = await call('GET');
    showError(null);
  } catch (e) {
    showError(e);
  }
}

export function initWall() {
  const form = document.getElementById('wall-form');
  const text = document.getElementById('wall-text');
  const confirm = document.getElementById('wall-confirm');
  const clear = document.getElementById('wall-clear');
  const setConfirm = (open) => {
    confirm.hidden = !open;
    clear.setAttribute('aria-expanded', String(open));
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const message = text.value.replace(/\r?\n/g, ' ').trim(); // one message is one line on the wall
    if (!message) return;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      wall().textContent = await call('POST', message);
      text.value = '';
      showError(null);
      announce('Message posted.');
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  document.getElementById('wall-refresh').addEventListener('click', showWall);
  clear.addEventListener('click', () => {
    setConfirm(confirm.hidden);
    if (!confirm.hidden) document.getElementById('wall-clear-no').focus();
  });
  document.getElementById('wall-clear-no').addEventListener('click', () => {
    setConfirm(false);
    clear.focus();
  });
  document.getElementById('wall-clear-yes').addEventListener('click', async () => {
    setConfirm(false);
    try {
      const answer = (await call('DELETE')).trim();
      await showWall();
      announce(answer || 'Messages deleted.');
      showError(null);
    } catch (err) {
      showError(err);
    }
    clear.focus();
  });
}
