// Follows an upload through the pipeline by polling GET /api/uploads/{key} until it is published,
// failed or rejected. The API derives the state from what is on S3 and EFS; the page only shows it.

import { getJson, pathSegments } from './api.js';

export const FINAL_STATES = new Set(['published', 'failed', 'rejected']);
const INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 10000;

/**
 * Polls until a final state or until the signal aborts. onStatus(status) gets every answer;
 * onTrouble(error, nextDelayMs) every failed poll (the polling goes on, more slowly).
 */
export async function follow(key, { onStatus, onTrouble, signal, intervalMs = INTERVAL_MS } = {}) {
  let delay = intervalMs;
  for (;;) {
    if (signal && signal.aborted) return null;
    try {
      const status = await getJson(`api/uploads/${pathSegments(key)}`, { signal });
      onStatus(status);
      if (FINAL_STATES.has(status.state)) return status;
      delay = intervalMs;
    } catch (e) {
      if (e.name === 'AbortError') return null;
      delay = Math.min(MAX_INTERVAL_MS, delay * 2);
      onTrouble && onTrouble(e, delay);
    }
    await new Promise((resolve) => {
      const t = setTimeout(resolve, delay);
      signal && signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}

/** What a state means, in a few words for the badge and a sentence for the line under it. */
export function describe(status) {
  switch (status.state) {
    case 'missing':
      return { badge: 'Waiting', line: 'Waiting for the storage to show the file.' };
    case 'queued':
      return { badge: 'Queued', line: 'Received. Waiting for a processor to pick it up.' };
    case 'processing':
      return { badge: 'Processing', line: 'Being read and split into records.' };
    case 'suspended':
      return { badge: 'Suspended', line: 'Paused at a checkpoint; it continues by itself in a new invocation.' };
    case 'published':
      return { badge: 'Published', line: '' }; // the outcome below says where
    case 'failed':
      return { badge: 'Failed', line: 'Processing stopped and will not be retried.' };
    case 'rejected':
      return { badge: 'Rejected', line: 'The pipeline will not process this file.' };
    default:
      return { badge: status.state || 'Unknown', line: '' };
  }
}
