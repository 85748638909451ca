/**
 * Client script, part 2: the JSON API, the error banner, and the view kept in the URL. Every URL is
 * relative to the dashboard's root, found from this script's own URL, so the app can be mounted
 * under any path.
 */
export const api = String.raw`
const base = new URL('../', (document.currentScript && document.currentScript.src) || location.href);

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** A call of the API: its body (parsed JSON when it is JSON) and the response, for its headers. */
async function request(path, options) {
  const opts = options || {};
  let res;
  try {
    res = await fetch(new URL(path, base), {
      method: opts.method || 'GET',
      headers: { accept: 'application/json' },
      signal: opts.signal,
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError('Cannot reach the server (' + (err && err.message ? err.message : err) + ')', 0);
  }
  const text = await res.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  // a connection problem reported in the banner is over once a call goes through again
  if (res.ok && bannerIsOutage) hideBanner();
  if (!res.ok) {
    const message = body && typeof body === 'object' && typeof body.error === 'string'
      ? body.error
      : res.status + ' ' + (res.statusText || 'error');
    throw new ApiError(message, res.status);
  }
  return { body, res };
}

async function api(path, options) {
  return (await request(path, options)).body;
}

/** The banner says the server or Redis could not be reached (not that an action was refused). */
let bannerIsOutage = false;

function showError(err) {
  if (err && err.name === 'AbortError') return;
  $('banner-text').textContent = err instanceof Error ? err.message : String(err);
  $('banner').hidden = false;
  bannerIsOutage = err instanceof ApiError && (err.status === 0 || err.status === 503 || err.status === 504);
}

function hideBanner() {
  $('banner').hidden = true;
  bannerIsOutage = false;
}

/** Runs an action; its error goes to the banner. */
async function attempt(fn) {
  try {
    return await fn();
  } catch (err) {
    showError(err);
    return undefined;
  }
}

const STATES = ['inactive', 'active', 'delayed', 'failed', 'complete'];
const LABELS = { inactive: 'Queued', active: 'Active', delayed: 'Delayed', failed: 'Failed', complete: 'Complete' };
const DEFAULT_VIEW = { state: 'active', type: '', order: 'desc', q: '' };
const PRIORITIES = { critical: -15, high: -10, medium: -5, normal: 0, low: 10 };

/**
 * A type name the API accepts (core's jobTypeSchema): 1 to 200 characters, no control character.
 * (URL decoding never yields the lone surrogate the schema also refuses.) A well-formed type with
 * no jobs yet is a type: its jobs show as they are created.
 */
function isTypeName(type) {
  return type.length > 0 && type.length <= 200 && !/[\u0000-\u001f\u007f]/.test(type);
}

/** The view in the URL; a bad value falls back to its default, as the server's parseView (view.ts) does. */
function readView() {
  const p = new URLSearchParams(location.search);
  const state = p.get('state');
  const type = p.get('type') || '';
  const order = p.get('order');
  const q = p.get('q') || '';
  return {
    state: STATES.includes(state) ? state : DEFAULT_VIEW.state,
    type: isTypeName(type) ? type : DEFAULT_VIEW.type,
    order: order === 'asc' || order === 'desc' ? order : DEFAULT_VIEW.order,
    // an over-long query is dropped, not cut: a cut one would search for something else
    q: q.length <= 500 ? q.trim() : DEFAULT_VIEW.q,
  };
}

/** The current filters; always mirrored in the URL so a view can be shared. */
const view = readView();

/**
 * Mirrors the view in the URL, its defaults left out: push makes a new history entry (the user
 * changed the view), else the current entry is rewritten (a URL read with values the view ignored).
 * Parameters that are not the view's are kept.
 */
function writeView(push) {
  const p = new URLSearchParams(location.search);
  for (const key of ['state', 'type', 'order', 'q']) {
    if (view[key] && view[key] !== DEFAULT_VIEW[key]) p.set(key, view[key]);
    else p.delete(key);
  }
  const qs = p.toString();
  const url = location.pathname + (qs ? '?' + qs : '') + location.hash;
  if (url === location.pathname + location.search + location.hash) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}
`;
