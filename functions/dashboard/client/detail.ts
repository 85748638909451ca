/** Client script, part 4: a card's expanded view, with the job's editors, data, error and log. */
export const detail = String.raw`
const TREE_LIMIT = 500;

function leaf(value) {
  const kind = value === null ? 'null' : typeof value;
  return h('span', { class: 'leaf ' + kind, text: kind === 'string' ? JSON.stringify(value) : String(value) });
}

/** The data as a readable tree: nested details elements, the top levels open. */
function tree(value, depth) {
  if (value === null || typeof value !== 'object') return leaf(value);
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  if (entries.length === 0) return h('span', { class: 'leaf', text: Array.isArray(value) ? '[]' : '{}' });
  const ul = h('ul', { class: 'tree' });
  for (const [key, v] of entries.slice(0, TREE_LIMIT)) {
    const nested = v !== null && typeof v === 'object' && Object.keys(v).length > 0;
    if (nested) {
      const size = Array.isArray(v) ? '[' + v.length + ']' : '{' + Object.keys(v).length + '}';
      ul.append(h('li', null, h('details', { open: depth < 2 },
        h('summary', null, h('span', { class: 'key', text: String(key) }), ' ',
          h('span', { class: 'muted', text: size })),
        tree(v, depth + 1))));
    } else {
      ul.append(h('li', null, h('span', { class: 'key', text: String(key) }), ': ', tree(v, depth + 1)));
    }
  }
  if (entries.length > TREE_LIMIT) {
    ul.append(h('li', { class: 'muted', text: '\u2026 ' + num(entries.length - TREE_LIMIT) + ' more' }));
  }
  return ul;
}

function fact(label, value) {
  if (value === undefined || value === null || value === '') return null;
  return [h('dt', { text: label }), h('dd', null, value)];
}

function when(value) {
  const t = toMs(value);
  return t ? h('span', null, stamp(t), ' ', h('span', { class: 'muted', text: '(' + ago(t) + ')' })) : undefined;
}

// Only a worker's claim makes a job active: by hand it would sit under a lease no worker holds
// until recovery fails the attempt, so Active is offered only as the state a job is in.
function stateSelect(job) {
  return h('select', { 'data-action': 'state', 'aria-label': 'State of job ' + job.id },
    STATES.filter((s) => s !== 'active' || job.state === 'active')
      .map((s) => h('option', { value: s, selected: s === job.state, text: LABELS[s] })));
}

// Picking a value only arms this button: arrow keys on a closed select fire 'change' at each
// press, and a keyboard user looking through the options must not move the job as they go.
function applyButton(field, label) {
  return h('button', { type: 'button', class: 'btn apply', 'data-action': 'apply', 'data-field': field,
    hidden: true, text: label });
}

function prioritySelect(job) {
  const options = Object.keys(PRIORITIES).map((name) =>
    h('option', { value: name, selected: PRIORITIES[name] === job.priority, text: name }));
  if (!Object.values(PRIORITIES).includes(job.priority)) {
    options.push(h('option', { value: String(job.priority), selected: true, text: String(job.priority) }));
  }
  return h('select', { 'data-action': 'priority', 'aria-label': 'Priority of job ' + job.id }, options);
}

function section(title, ...content) {
  return h('section', { class: 'part' }, h('h3', { text: title }), content);
}

/** The detail's parts, in their order on the page: each is built anew and kept if it shows the same. */
const DETAIL_PARTS = ['actions', 'facts', 'data', 'error', 'result', 'progress-data', 'log'];
/** What each part on the page was built as (shapeOf), to tell whether a read changed it. */
const partSigs = new WeakMap();
/** The log lines each log list shows. */
const shownLogs = new WeakMap();

function buildParts(job) {
  const a = job.attempts || { made: 0, remaining: 0, max: 1 };
  const facts = h('dl', { class: 'facts' },
    fact('Attempts', a.made + ' of ' + a.max + (a.remaining ? ', ' + a.remaining + ' left' : '')),
    fact('Given back', job.interruptions
      ? job.interruptions + (job.interruptions === 1 ? ' time' : ' times') + ', cut by the end of an invocation'
      : undefined),
    fact('Progress', job.state === 'active' || job.progress ? progressBar(job.progress) : undefined),
    fact('Duration', job.duration ? duration(job.duration) : undefined),
    fact('Created', when(job.created_at)),
    fact('Started', when(job.started_at)),
    fact('Updated', when(job.updated_at)),
    fact('Promotes', job.state === 'delayed' && toMs(job.promote_at)
      ? h('span', { 'data-promote-at': toMs(job.promote_at), text: until(toMs(job.promote_at)) })
      : undefined),
    fact('Failed', when(job.failed_at)),
    fact('Delay', job.delay ? duration(job.delay) : undefined),
    fact('TTL', job.ttl ? duration(job.ttl) : undefined),
    fact('Worker', job.workerId));
  const actions = h('div', { class: 'actions' },
    h('label', { class: 'field' }, h('span', { text: 'State' }), stateSelect(job)),
    applyButton('state', 'Move'),
    h('label', { class: 'field' }, h('span', { text: 'Priority' }), prioritySelect(job)),
    applyButton('priority', 'Set'),
    h('span', { class: 'grow' }),
    h('button', { type: 'button', class: 'btn', 'data-action': 'restart', text: 'Restart',
      title: 'Queue the job again' }),
    h('button', { type: 'button', class: 'btn danger', 'data-action': 'remove', text: 'Remove' }));
  return {
    actions,
    facts,
    data: section('Data', h('div', { class: 'tree-box' }, tree(job.data, 0))),
    error: job.error ? section(job.state === 'failed' ? 'Error' : 'Last error', h('pre', { class: 'stack', text: job.error })) : null,
    result: job.result !== undefined && job.result !== null ? section('Result', h('div', { class: 'tree-box' }, tree(job.result, 0))) : null,
    'progress-data': job.progress_data !== undefined && job.progress_data !== null
      ? section('Progress data', h('div', { class: 'tree-box' }, tree(job.progress_data, 0))) : null,
    log: section('Log', h('ol', { class: 'log' }), h('p', { class: 'muted', text: 'No log lines.' })),
  };
}

/** A built part as a string (its elements, attributes and text), to compare with the part shown. */
function shapeOf(node) {
  if (node.nodeType !== 1) return JSON.stringify(node.textContent);
  const attrs = Array.from(node.attributes, (a) => a.name + '=' + JSON.stringify(a.value)).join(' ');
  return '<' + node.nodeName + ' ' + attrs + '>' + Array.from(node.childNodes, shapeOf).join('') + '</>';
}

/** The value a job select shows for the job as read (the one its Move / Set button is not armed for). */
function shownValue(select) {
  const option = Array.from(select.options).find((o) => o.defaultSelected);
  return option ? option.value : '';
}

/**
 * A job select brought in line with a new read, in place: it keeps its focus, and a value the user
 * picked but did not apply stays picked (with its button armed) while the select still offers it.
 */
function syncSelect(select, fresh, button) {
  const same = (o, n) => o.value === n.value && o.textContent === n.textContent && o.defaultSelected === n.defaultSelected;
  const options = Array.from(select.options);
  const next = Array.from(fresh.options);
  if (options.length !== next.length || options.some((o, i) => !same(o, next[i]))) {
    const picked = select.value !== shownValue(select) ? select.value : null;
    select.replaceChildren(...next);
    // options moved out of the fresh select were re-selected on the way: the value is set anew
    select.value = picked !== null && next.some((o) => o.value === picked) ? picked : shownValue(select);
  }
  button.hidden = select.value === shownValue(select);
}

function renderLog(part, log) {
  const lines = Array.isArray(log) ? log.map(String) : [];
  const ol = part.querySelector('.log');
  const shown = shownLogs.get(ol) || [];
  // a running job's log grows at its end: only the new lines are added, and the list keeps its scroll
  if (lines.length >= shown.length && shown.every((line, i) => line === lines[i])) {
    ol.append(...lines.slice(shown.length).map((line) => h('li', { text: line })));
  } else {
    ol.replaceChildren(...lines.map((line) => h('li', { text: line })));
  }
  shownLogs.set(ol, lines);
  ol.hidden = lines.length === 0;
  part.querySelector('.muted').hidden = lines.length > 0;
}

/**
 * Shows a job in its detail. A read of a running job comes every few seconds: the parts are
 * updated in place, not rebuilt, so the log keeps its scroll, focus stays where it is, an
 * unapplied State or Priority stays picked, and a folded data tree stays folded unless it changed.
 */
function renderDetail(box, job, log) {
  const parts = buildParts(job);
  if (!box.querySelector(':scope > [data-part]')) box.replaceChildren();
  let prev = null;
  for (const key of DETAIL_PARTS) {
    const fresh = parts[key];
    const old = box.querySelector(':scope > [data-part="' + key + '"]');
    if (!fresh) {
      if (old) old.remove();
      continue;
    }
    fresh.dataset.part = key;
    let el = old;
    if (key === 'actions' && old) {
      for (const field of ['state', 'priority']) {
        syncSelect(old.querySelector('select[data-action="' + field + '"]'),
          fresh.querySelector('select[data-action="' + field + '"]'),
          old.querySelector('button[data-action=apply][data-field="' + field + '"]'));
      }
    } else if (key !== 'log' || !old) {
      const sig = key === 'log' ? '' : shapeOf(fresh);
      if (!old) {
        el = fresh;
        if (prev) prev.after(el);
        else box.prepend(el);
      } else if (partSigs.get(old) !== sig) {
        old.replaceWith(fresh);
        el = fresh;
      }
      if (el === fresh) partSigs.set(el, sig);
    }
    if (key === 'log') renderLog(el, log);
    prev = el;
  }
}

/** Open cards: id -> false (idle), true (refreshing) or 'again' (refresh once more after). */
const openCards = new Map();

async function refreshDetail(id) {
  const card = cards.get(id);
  if (!card || !openCards.has(id)) return;
  if (openCards.get(id)) {
    openCards.set(id, 'again');
    return;
  }
  openCards.set(id, true);
  try {
    const [job, log] = await Promise.all([api('job/' + enc(id)), api('job/' + enc(id) + '/log')]);
    const current = cards.get(id);
    if (!current || !openCards.has(id)) return;
    current.job = job;
    renderCard(current.li, job);
    const box = current.li.querySelector('.detail');
    if (box) renderDetail(box, job, log);
    // the detail stays open whatever the job's state: its card is held while the job is elsewhere
    if (matchesView(job)) rejoinView(id);
    else leaveView(id, job.state);
  } catch (err) {
    if (err.status === 404) dropCard(id, 'was removed');
    else showError(err);
  } finally {
    const again = openCards.get(id) === 'again';
    if (openCards.has(id)) openCards.set(id, false);
    if (again) refreshDetail(id);
  }
}

/** Open details to re-read: progress can come many times a second, a detail refreshes once. */
const staleDetails = new Set();
const refreshStale = throttle(() => {
  for (const id of staleDetails) refreshDetail(id);
  staleDetails.clear();
}, 1000);

function markDetail(id) {
  if (!openCards.has(id)) return;
  staleDetails.add(id);
  refreshStale();
}

let detailTicks = 0;

/** Log lines come without events: an open running job is re-read every few seconds. */
function refreshRunningDetails() {
  if (++detailTicks % 5 !== 0) return;
  for (const id of openCards.keys()) {
    const card = cards.get(id);
    if (card && card.job.state === 'active') markDetail(id);
  }
}

function expand(id) {
  const card = cards.get(id);
  if (!card) return;
  openCards.set(id, false);
  card.li.classList.add('open');
  const head = card.li.querySelector('.job-head');
  head.setAttribute('aria-expanded', 'true');
  head.setAttribute('aria-controls', 'detail-' + id);
  let box = card.li.querySelector('.detail');
  if (!box) {
    box = h('div', { class: 'detail', id: 'detail-' + id, role: 'region', 'aria-labelledby': 'job-' + id },
      h('p', { class: 'muted', text: 'Loading\u2026' }));
    card.li.append(box);
  }
  box.hidden = false;
  refreshDetail(id);
}

function collapse(id) {
  // a card held only for its open detail (its job left the view) goes with it
  if (heldCards.has(id)) {
    dropCard(id);
    return;
  }
  openCards.delete(id);
  const card = cards.get(id);
  if (!card) return;
  card.li.classList.remove('open');
  const head = card.li.querySelector('.job-head');
  head.setAttribute('aria-expanded', 'false');
  head.removeAttribute('aria-controls');
  const box = card.li.querySelector('.detail');
  if (box) box.remove();
}

function toggle(id) {
  if (openCards.has(id)) collapse(id);
  else expand(id);
}

/**
 * After a change: a job the user moved out of the view leaves it at once (they asked for that);
 * otherwise its card and detail show it as it is now (held, if it is elsewhere by now).
 */
async function afterChange(id, message, moved) {
  const job = await api('job/' + enc(id));
  if (moved && !matchesView(job)) {
    dropCard(id, message);
  } else {
    announce('Job #' + id + ' ' + message + '.');
    const card = cards.get(id);
    if (card) {
      card.job = job;
      renderCard(card.li, job);
    }
    await refreshDetail(id);
  }
  scheduleCounts();
}

async function jobAction(id, action, value) {
  if (action === 'state') {
    await api('job/' + enc(id) + '/state/' + enc(value), { method: 'PUT' });
    return afterChange(id, 'moved to ' + LABELS[value], true);
  }
  if (action === 'priority') {
    await api('job/' + enc(id) + '/priority/' + enc(value), { method: 'PUT' });
    return afterChange(id, 'now has priority ' + value, false);
  }
  if (action === 'restart') {
    await api('inactive/' + enc(id));
    return afterChange(id, 'restarted', true);
  }
  if (action === 'remove') {
    // next to Restart, and nothing brings a removed job back: ask, as the bulk removals do
    if (!(await confirmAction('Remove job #' + id + '? This cannot be undone.', 'Remove'))) return;
    await api('job/' + enc(id), { method: 'DELETE' });
    dropCard(id, 'removed');
    scheduleCounts();
  }
}
`;
