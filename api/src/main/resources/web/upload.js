// Browser uploads straight to S3 through the URLs the API presigns: one PUT for a small file, or the
// multipart plan for a large one, its parts sent a few at a time, each retried with backoff.

import { ApiError, pathSegments, postJson } from './api.js';

/** How many parts are in flight at once, and how often one part is tried before the upload fails. */
export const PARALLEL_PARTS = 3;
export const PART_ATTEMPTS = 4;
const BACKOFF_MS = 500;

/** A failed PUT to the storage: the status (0 when the request never got an answer) and the words. */
export class TransferError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'TransferError';
    this.status = status;
  }
}

/**
 * PUTs a blob to a presigned URL with upload progress. Resolves with the response's ETag (null when
 * the storage does not expose it to the page).
 */
export function put(url, blob, { onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.onprogress = (e) => onProgress && onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress && onProgress(blob.size);
        resolve(xhr.getResponseHeader('ETag'));
      } else {
        reject(new TransferError(`the storage answered ${xhr.status}${s3Code(xhr.responseText)}`, xhr.status));
      }
    };
    xhr.onerror = () => reject(new TransferError('the storage could not be reached', 0));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    if (signal) {
      if (signal.aborted) return xhr.abort();
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(blob);
  });
}

function s3Code(body) {
  const code = /<Code>([^<]+)<\/Code>/.exec(body || '');
  return code ? ` (${code[1]})` : '';
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal && signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new DOMException('The upload was cancelled', 'AbortError'));
    }, { once: true });
  });
}

/**
 * Uploads one file: asks the API for a plan, transfers the bytes, completes a multipart upload.
 *
 * @param {File} file
 * @param {object} o  dataset, recordPointer (optional), onPlan(plan), onProgress(sentBytes, totalBytes),
 *                    onRetry({partNumber, attempt, error, delayMs}), signal
 * @returns {Promise<object>} the plan ({key, ...})
 */
export async function upload(file, o = {}) {
  const body = { name: file.name, size: file.size };
  if (o.dataset) body.dataset = o.dataset;
  if (o.recordPointer) body.recordPointer = o.recordPointer;
  const plan = await postJson('api/uploads', body, { what: 'The upload was refused', signal: o.signal });
  o.onPlan && o.onPlan(plan);
  const progress = (sent) => o.onProgress && o.onProgress(Math.min(sent, file.size), file.size);
  if (plan.uploadUrl) {
    await put(plan.uploadUrl, file, { onProgress: progress, signal: o.signal });
  } else if (Array.isArray(plan.parts)) {
    await multipart(file, plan, { ...o, onProgress: progress });
  } else {
    throw new Error('The API answered with neither an upload URL nor a multipart plan');
  }
  return plan;
}

/** The byte range of part n (1-based) of the plan. */
export function partRange(plan, partNumber, size) {
  const start = (partNumber - 1) * plan.partSize;
  return [start, Math.min(size, start + plan.partSize)];
}

async function multipart(file, plan, o) {
  const sent = new Map(); // partNumber -> bytes of it sent in the current attempt
  const total = () => { let s = 0; for (const v of sent.values()) s += v; return s; };
  const etags = new Map();
  const queue = [...plan.parts].sort((a, b) => a.partNumber - b.partNumber);
  const failure = new AbortController();
  const signal = anySignal(o.signal, failure.signal);

  async function sendPart(part) {
    const [start, end] = partRange(plan, part.partNumber, file.size);
    const blob = file.slice(start, end);
    for (let attempt = 1; ; attempt++) {
      try {
        sent.set(part.partNumber, 0);
        const etag = await put(part.url, blob, {
          signal,
          onProgress: (n) => { sent.set(part.partNumber, n); o.onProgress(total()); },
        });
        if (!etag) {
          throw new TransferError('the storage does not expose the ETag header to the page (its CORS rules need ExposeHeaders: ETag)', -1);
        }
        etags.set(part.partNumber, etag);
        return;
      } catch (e) {
        if (e.name === 'AbortError' || e.status === -1 || attempt >= PART_ATTEMPTS) {
          throw e.name === 'AbortError' ? e
            : new TransferError(`Part ${part.partNumber} of ${plan.parts.length} failed after ${attempt} attempt${attempt > 1 ? 's' : ''}: ${e.message}`, e.status);
        }
        sent.set(part.partNumber, 0);
        o.onProgress(total());
        const delayMs = BACKOFF_MS * 2 ** (attempt - 1);
        o.onRetry && o.onRetry({ partNumber: part.partNumber, attempt, error: e, delayMs });
        await sleep(delayMs, signal);
      }
    }
  }

  async function worker() {
    try {
      while (queue.length && !signal.aborted) await sendPart(queue.shift());
    } catch (e) {
      failure.abort(); // one part out of attempts stops the others at once
      throw e;
    }
  }

  try {
    const workers = Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, worker);
    const results = await Promise.allSettled(workers);
    const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    if (failed.length) throw failed.find((e) => e.name !== 'AbortError') || failed[0];
    const parts = plan.parts.map((p) => ({ partNumber: p.partNumber, eTag: etags.get(p.partNumber) }));
    await postJson(`api/uploads/${pathSegments(plan.key)}/complete`, { uploadId: plan.uploadId, parts },
      { what: 'The upload could not be completed' });
  } catch (e) {
    failure.abort();
    await abort(plan).catch(() => {}); // the original failure is what the person needs to see
    throw e;
  }
}

/** Tells the API to abort a multipart upload, so that S3 drops the parts already sent. */
export async function abort(plan) {
  if (!plan.uploadId) return;
  await postJson(`api/uploads/${pathSegments(plan.key)}/abort`, { uploadId: plan.uploadId }, { what: 'The upload could not be aborted' });
}

function anySignal(...signals) {
  const c = new AbortController();
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) c.abort();
    else s.addEventListener('abort', () => c.abort(), { once: true });
  }
  return c.signal;
}

export { ApiError };
