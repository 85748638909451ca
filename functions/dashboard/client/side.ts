/** Client script, part 6: counts on the tabs, the types panel, bulk actions and the chart. */
export const side = String.raw`
let stats = null;
/** GET /types rows: [{ type, counts: { inactive, active, delayed, complete, failed }, paused }]. */
let typeRows = [];

/** With a type filter the tabs count that type's jobs; otherwise the whole queue's (/stats). */
function countOf(state) {
  if (view.type) {
    const row = typeRows.find((r) => r.type === view.type);
    return row && row.counts ? Number(row.counts[state]) || 0 : 0;
  }
  return stats ? Number(stats[state + 'Count']) || 0 : 0;
}

async function refreshCounts() {
  const [s, t] = await Promise.all([api('stats'), api('types')]);
  stats = s;
  typeRows = Array.isArray(t) ? t : [];
  renderCounts();
  renderTypeFilter();
  renderTypes();
  renderPausedNote();
  updateSummary();
  updateBulk();
}

/** Events come in bursts; counts are refreshed at most twice a second. */
const scheduleCounts = throttle(() => attempt(refreshCounts), 500);

function renderCounts() {
  for (const el of document.querySelectorAll('[data-count]')) {
    const n = stats ? countOf(el.dataset.count) : 0;
    el.textContent = stats ? num(n) : '\u2013';
    el.classList.toggle('nonzero', n > 0);
  }
  document.title = (stats ? '(' + num(countOf('active')) + ') ' : '') + pageTitle;
}

/** Whether claiming of a type is paused (as of the last GET /types). */
function isPaused(type) {
  const row = typeRows.find((r) => r.type === type);
  return Boolean(row && row.paused);
}

/** A paused type says so in the Type select: filtering by it shows jobs that will not run yet. */
function typeOptionLabel(type) {
  return isPaused(type) ? type + ' (paused)' : type;
}

/** The types, and the viewed one even if it has no jobs yet (a link may name a type before its first job). */
function renderTypeFilter() {
  const select = $('type-filter');
  const names = typeRows.map((r) => r.type);
  if (view.type && !names.includes(view.type)) names.push(view.type);
  const options = Array.from(select.options).slice(1);
  if (options.map((o) => o.value).join('\n') !== names.join('\n')) {
    select.replaceChildren(h('option', { value: '', text: 'All types' }),
      ...names.map((n) => h('option', { value: n, text: typeOptionLabel(n) })));
  } else {
    // labels change in place: a select rebuilt while the user has it open would close
    for (const o of options) {
      const label = typeOptionLabel(o.value);
      if (o.textContent !== label) o.textContent = label;
    }
  }
  select.value = view.type;
  // the select is clipped to its width (style.ts): a long type name is whole in its title
  select.title = view.type ? typeOptionLabel(view.type) : '';
}

/** Paused types the all-types note names; the types panel lists every one. */
const PAUSED_NAMED = 3;

function namesBriefly(names) {
  const shown = names.slice(0, PAUSED_NAMED).join(', ');
  return names.length > PAUSED_NAMED ? shown + ' and ' + num(names.length - PAUSED_NAMED) + ' more' : shown;
}

/** What the list says of paused types: the viewed one's jobs wait, or which types are paused. */
function pausedNoteText() {
  if (view.type) {
    return isPaused(view.type) ? view.type + ' is paused: its queued jobs wait until it is resumed.' : '';
  }
  const paused = typeRows.filter((r) => r.paused).map((r) => r.type);
  if (paused.length === 0) return '';
  return num(paused.length) + (paused.length === 1 ? ' type' : ' types') + ' paused: ' + namesBriefly(paused) + '.';
}

/**
 * Beside the list's summary, as the types panel may be folded or out of sight: a paused type's
 * jobs wait however long the user watches them. The viewed type can be resumed from here.
 */
function renderPausedNote() {
  const text = pausedNoteText();
  const resume = $('paused-resume');
  const canResume = Boolean(view.type) && text !== '';
  // the button goes once the type runs again: focus goes to the filter that names the type
  if (!canResume && resume.contains(document.activeElement)) $('type-filter').focus();
  if ($('paused-text').textContent !== text) $('paused-text').textContent = text;
  resume.hidden = !canResume;
  // the types panel has a Resume per type too: this one names its type to a screen reader
  if (canResume) resume.setAttribute('aria-label', 'Resume ' + view.type);
  $('paused-note').hidden = text === '';
}

const typeEls = new Map();

function typeRowEl(type) {
  const name = h('button', { type: 'button', class: 'link type-name', text: type,
    title: 'Show only ' + type + ' jobs', onclick: () => setFilter({ type }) });
  const badge = h('span', { class: 'chip paused', text: 'paused', hidden: true });
  const counts = h('div', { class: 'type-counts' });
  const pause = h('button', { type: 'button', class: 'btn small', 'data-type-action': 'pause' });
  const retry = h('button', { type: 'button', class: 'btn small', text: 'Retry failed' });
  const remove = h('button', { type: 'button', class: 'btn small danger', text: 'Remove failed' });
  pause.addEventListener('click', () => attempt(() => setPaused(type, !isPaused(type))));
  retry.addEventListener('click', () => attempt(() => bulk('retry', 'failed', type)));
  remove.addEventListener('click', () => attempt(() => bulk('remove', 'failed', type)));
  const li = h('li', { class: 'type-row', 'data-type': type },
    h('div', { class: 'type-top' }, name, badge), counts,
    h('div', { class: 'type-actions' }, pause, retry, remove));
  return { li, badge, counts, pause, retry, remove };
}

/** Updated in place, so a focused button keeps its focus while counts change. */
function renderTypes() {
  const box = $('types');
  let ul = box.querySelector('ul');
  if (!ul) {
    ul = h('ul', { class: 'type-list' });
    box.replaceChildren(ul);
  }
  const seen = new Set();
  for (const row of typeRows) {
    seen.add(row.type);
    let els = typeEls.get(row.type);
    if (!els) {
      els = typeRowEl(row.type);
      typeEls.set(row.type, els);
    }
    ul.append(els.li);
    const c = row.counts || {};
    els.counts.replaceChildren(...STATES.map((s) =>
      h('button', { type: 'button', class: c[s] ? 'type-count nonzero' : 'type-count', 'data-state': s,
        title: 'Show ' + LABELS[s].toLowerCase() + ' ' + row.type + ' jobs',
        onclick: () => setFilter({ type: row.type, state: s }) },
        h('b', { text: num(c[s]) }), h('span', { text: LABELS[s] }))));
    els.badge.hidden = !row.paused;
    els.li.classList.toggle('is-paused', Boolean(row.paused));
    els.pause.textContent = row.paused ? 'Resume' : 'Pause';
    els.pause.setAttribute('aria-pressed', row.paused ? 'true' : 'false');
    els.retry.disabled = !c.failed;
    els.remove.disabled = !c.failed;
  }
  for (const [type, els] of typeEls) {
    if (!seen.has(type)) {
      els.li.remove();
      typeEls.delete(type);
    }
  }
  if (typeRows.length === 0 && !box.querySelector('.empty')) {
    box.append(h('p', { class: 'muted empty', text: 'No jobs yet.' }));
  } else if (typeRows.length > 0) {
    const empty = box.querySelector('.empty');
    if (empty) empty.remove();
  }
}

/** Pauses or resumes claiming of a type on every worker; the types panel and the list's note both use it. */
async function setPaused(type, paused) {
  await api('types/' + enc(type) + (paused ? '/pause' : '/resume'), { method: 'POST' });
  await refreshCounts();
}

function confirmAction(text, okLabel) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}

/** Retry-all and remove-all for a state, optionally of one type, after a confirmation. */
async function bulk(kind, state, type) {
  const row = type ? typeRows.find((r) => r.type === type) : null;
  const n = type ? (row && row.counts ? Number(row.counts[state]) || 0 : 0) : (stats ? Number(stats[state + 'Count']) || 0 : 0);
  const what = num(n) + ' ' + LABELS[state].toLowerCase() + (type ? ' ' + type : '') + ' job' + (n === 1 ? '' : 's');
  const ok = await confirmAction(
    kind === 'retry' ? 'Queue ' + what + ' again?' : 'Remove ' + what + '? This cannot be undone.',
    kind === 'retry' ? 'Retry ' + num(n) : 'Remove ' + num(n));
  if (!ok) return;
  const qs = type ? '?type=' + enc(type) : '';
  if (kind === 'retry') await api('jobs/' + state + '/retry' + qs, { method: 'POST' });
  else await api('jobs/' + state + qs, { method: 'DELETE' });
  await refreshCounts();
  if (view.state === state || view.state === 'inactive') resetList();
}

/**
 * The list bar's Retry all / Remove all act on every job of the state (of the type): the API has
 * no bulk action on a search's matches, so while a search shows only some of them they are off,
 * and a note says why (a "Remove all" under a search would remove the jobs it hides too).
 */
function bulkBlocked() {
  return view.q !== '';
}

function bulkView(kind) {
  if (bulkBlocked()) return undefined;
  return bulk(kind, view.state, view.type);
}

function updateBulk() {
  const show = view.state === 'failed' || view.state === 'complete';
  $('bulk').hidden = !show;
  $('retry-all').hidden = view.state !== 'failed';
  const n = countOf(view.state);
  const blocked = bulkBlocked();
  $('retry-all').disabled = n === 0 || blocked;
  $('remove-all').disabled = n === 0 || blocked;
  const scope = view.type ? ' ' + view.type : '';
  // a long type name is clipped in the button (style.ts): the title holds it whole
  for (const [id, label] of [['retry-all', 'Retry all'], ['remove-all', 'Remove all']]) {
    $(id).textContent = label + scope;
    $(id).title = label + scope;
  }
  const note = $('bulk-note');
  note.hidden = !blocked;
  note.textContent = blocked
    ? 'Clear the search to act on all ' + num(n) + ' ' + LABELS[view.state].toLowerCase() + scope + ' jobs.'
    : '';
  for (const id of ['retry-all', 'remove-all']) {
    if (blocked) $(id).setAttribute('aria-describedby', 'bulk-note');
    else $(id).removeAttribute('aria-describedby');
  }
}

async function refreshChart() {
  const t = await api('throughput?minutes=60');
  if (t && Number.isFinite(Number(t.now))) clockSkew = Number(t.now) - Date.now();
  renderChart(t && Array.isArray(t.minutes) ? t.minutes : []);
}

const scheduleChart = throttle(() => attempt(refreshChart), 5000);

/** A minute as minutes since the epoch (or ms since the epoch: both are accepted). */
function minuteLabel(minute) {
  const ms = minute > 1e11 ? minute : minute * 60000;
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Completed and failed jobs per minute as stacked bars: an inline SVG, no library. */
function renderChart(rows) {
  const W = 360;
  const H = 100;
  const top = 14;
  const bottom = 16;
  const max = Math.max(1, ...rows.map((r) => (Number(r[1]) || 0) + (Number(r[2]) || 0)));
  const bw = W / Math.max(1, rows.length);
  let complete = 0;
  let failed = 0;
  const bars = rows.map((r, i) => {
    const c = Number(r[1]) || 0;
    const f = Number(r[2]) || 0;
    complete += c;
    failed += f;
    const hc = (c / max) * H;
    const hf = (f / max) * H;
    const x = i * bw + 0.5;
    const w = Math.max(1, bw - 1.5);
    return svg('g', { class: 'minute' },
      svg('title', { text: minuteLabel(r[0]) + ': ' + num(c) + ' complete, ' + num(f) + ' failed' }),
      svg('rect', { class: 'hit', x: i * bw, y: top, width: bw, height: H }),
      c ? svg('rect', { class: 'complete', x, y: top + H - hc, width: w, height: hc }) : null,
      f ? svg('rect', { class: 'failed', x, y: top + H - hc - hf, width: w, height: hf }) : null);
  });
  const first = rows[0];
  const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + (top + H + bottom), role: 'img',
      'aria-label': num(complete) + ' jobs complete and ' + num(failed) + ' failed in the last hour' },
    svg('line', { class: 'grid', x1: 0, x2: W, y1: top, y2: top }),
    svg('line', { class: 'axis', x1: 0, x2: W, y1: top + H, y2: top + H }),
    svg('text', { class: 'label', x: 2, y: 10, text: num(max) + '/min' }),
    bars,
    first ? svg('text', { class: 'label', x: 2, y: top + H + 12, text: minuteLabel(first[0]) }) : null,
    svg('text', { class: 'label', x: W - 2, y: top + H + 12, 'text-anchor': 'end', text: 'now' }));
  $('chart').replaceChildren(chart);
  $('chart-complete').textContent = num(complete);
  $('chart-failed').textContent = num(failed);
}
`;
