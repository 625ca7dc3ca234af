// The HTTP API as the page uses it. Every path is relative to the page, so the page works wherever it is
// served (the local server's root, or an API Gateway stage). Errors are RFC 9457 problem JSON; they
// become ApiError with the server's own words.

/** A failed API call: the HTTP status and the problem's title/detail as the server wrote them. */
export class ApiError extends Error {
  constructor(status, problem, what) {
    const words = (problem && (problem.detail || problem.title)) || `HTTP ${status}`;
    super(what ? `${what}: ${words}` : words);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || null;
  }
}

/** The URL of an API path such as `api/datasets`, resolved against the page. */
export function apiUrl(path, params) {
  const url = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  return url;
}

/** An object key or a file path as URL path segments: each segment encoded, the slashes kept. */
export function pathSegments(path) {
  return String(path).split('/').map(encodeURIComponent).join('/');
}

async function problemOf(response) {
  const type = response.headers.get('Content-Type') || '';
  try {
    if (type.includes('json')) return await response.json();
    const text = (await response.text()).trim();
    return text ? { detail: text.slice(0, 500) } : null;
  } catch {
    return null;
  }
}

/** Sends a request and returns the Response; throws ApiError for a status outside 2xx. */
export async function request(method, path, { params, json, text, headers, what, signal } = {}) {
  const init = { method, headers: { Accept: 'application/json, application/problem+json', ...(headers || {}) }, signal };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (text !== undefined) {
    init.headers['Content-Type'] = 'text/plain; charset=utf-8';
    init.body = text;
  }
  let response;
  try {
    response = await fetch(apiUrl(path, params), init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { detail: 'the server could not be reached' }, what);
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response), what);
  return response;
}

export async function getJson(path, options) {
  return (await request('GET', path, options)).json();
}

export async function postJson(path, json, options) {
  const response = await request('POST', path, { ...options, json });
  return response.status === 204 ? null : response.json();
}

/** A value the server may write as a plain string or as a wrapped one ({"value": "..."}). */
export function plain(value) {
  if (value && typeof value === 'object' && 'value' in value) return value.value;
  return value;
}
