/**
 * Client script, part 1: DOM building and formatting. The client is plain modern JS kept in
 * string constants (no build step; Workers have no file system); the parts share one scope (see
 * ./index.ts). Job data only ever reaches the page as text nodes or attribute values: no innerHTML.
 */
export const dom = String.raw`
const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';
const enc = encodeURIComponent;

function setAttrs(el, attrs) {
  for (const key in attrs) {
    const v = attrs[key];
    if (v === undefined || v === null || v === false) continue;
    if (key === 'text') el.textContent = String(v);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), v);
    else el.setAttribute(key, v === true ? '' : String(v));
  }
}

function addChildren(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) addChildren(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** h('span', { class: 'id', text: '#5' }, ...children): an element; strings become text nodes. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  addChildren(el, children);
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  if (attrs) setAttrs(el, attrs);
  addChildren(el, children);
  return el;
}

const numberFormat = new Intl.NumberFormat();
const num = (n) => numberFormat.format(Number(n) || 0);

/** Server time minus browser time, learnt from /throughput, so countdowns match the queue. */
let clockSkew = 0;
const now = () => Date.now() + clockSkew;

/** Job timestamps are ms strings; missing or zero means never. */
function toMs(value) {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function duration(ms) {
  const n = Math.max(0, Math.round(Number(ms) || 0));
  if (n < 1000) return n + 'ms';
  const s = n / 1000;
  if (s < 60) return (s < 10 ? s.toFixed(1) : Math.round(s)) + 's';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + String(Math.floor(s % 60)).padStart(2, '0') + 's';
  const hours = Math.floor(m / 60);
  if (hours < 24) return hours + 'h ' + String(m % 60).padStart(2, '0') + 'm';
  return Math.floor(hours / 24) + 'd ' + (hours % 24) + 'h';
}

function ago(t) {
  const s = Math.floor((now() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.floor(s / 60) + 'm ago';
  if (s < 86400) return Math.floor(s / 3600) + 'h ago';
  return Math.floor(s / 86400) + 'd ago';
}

function until(t) {
  const d = t - now();
  return d <= 0 ? 'due now' : 'in ' + duration(Math.ceil(d / 1000) * 1000);
}

function stamp(t) {
  return new Date(t).toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

/** A time element that the ticker keeps relative ("3m ago"), with the exact time on hover. */
function timeAgo(t, prefix) {
  return h('time', { datetime: new Date(t).toISOString(), title: stamp(t), 'data-ago': t,
    'data-prefix': prefix || '', text: (prefix || '') + ago(t) });
}

const firstLine = (text) => String(text ?? '').split('\n', 1)[0];

/** Runs fn at most once per wait ms, always after the last call (a burst becomes one call). */
function throttle(fn, wait) {
  let timer = null;
  let last = 0;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      fn();
    }, Math.max(0, last + wait - Date.now()));
  };
}

function debounce(fn, wait) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, wait);
  };
}

/** Maps with at most limit calls in flight. */
async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}
`;
