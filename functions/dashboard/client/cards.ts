/** Client script, part 3: one job as a card in the list (the collapsed view). */
// biome-ignore lint/complexity/noUselessStringRaw: client code keeps its backslashes as written
export const cards = String.raw`
function titleOf(job) {
  const d = job.data;
  return d && typeof d === 'object' && d.title !== undefined && d.title !== null ? String(d.title) : '';
}

function priorityLabel(value) {
  const name = Object.keys(PRIORITIES).find((k) => PRIORITIES[k] === value);
  return name || String(value);
}

function progressBar(pct) {
  const p = Math.max(0, Math.min(100, Number(pct) || 0));
  const fill = h('span', { class: 'fill' });
  fill.style.width = p + '%';
  return h('div', { class: 'progress' },
    h('div', { class: 'bar', role: 'progressbar', 'aria-label': 'Progress', 'aria-valuemin': 0,
      'aria-valuemax': 100, 'aria-valuenow': p }, fill),
    h('span', { class: 'pct', text: p + '%' }));
}

/** What a card's time is: each state labels its own moment ("failed 3m ago"), never a bare time. */
const MOMENT_LABELS = { inactive: 'queued', active: 'started', delayed: 'delayed', failed: 'failed',
  complete: 'completed' };

/** When the job entered its state, as far as the job says. */
function momentOf(job) {
  if (job.state === 'inactive') return toMs(job.created_at);
  if (job.state === 'active') return toMs(job.started_at) || toMs(job.updated_at);
  if (job.state === 'failed') return toMs(job.failed_at) || toMs(job.updated_at);
  return toMs(job.updated_at);
}

function cardMeta(job) {
  const items = [];
  if (job.priority !== 0) {
    items.push(h('span', { class: 'chip prio', 'data-priority': priorityLabel(job.priority),
      text: priorityLabel(job.priority) }));
  }
  const a = job.attempts || { made: 0, max: 1 };
  if (job.state === 'active' && a.max > 1) {
    items.push(h('span', { text: 'attempt ' + (a.made + 1) + '/' + a.max }));
  } else if (a.made > 0 && a.max > 1) {
    items.push(h('span', { text: a.made + '/' + a.max + ' attempts' }));
  }
  if (job.state === 'complete' && job.duration) {
    items.push(h('span', { class: 'muted', text: 'took ' + duration(job.duration) }));
  } else {
    const at = momentOf(job) || toMs(job.created_at);
    if (at) items.push(timeAgo(at, (MOMENT_LABELS[job.state] || 'updated') + ' '));
  }
  return items;
}

function cardExtra(job) {
  if (job.state === 'active') return progressBar(job.progress);
  if (job.state === 'delayed') {
    const at = toMs(job.promote_at);
    if (!at) return null;
    return h('span', { class: 'countdown', 'data-promote-at': at, 'data-prefix': 'promotes ',
      title: stamp(at), text: 'promotes ' + until(at) });
  }
  if (job.state === 'failed' && job.error) {
    return h('code', { class: 'error-line', text: firstLine(job.error) });
  }
  return null;
}

function renderCard(li, job) {
  li.dataset.state = job.state;
  const head = li.querySelector('.job-head');
  head.replaceChildren(
    h('span', { class: 'id', text: '#' + job.id }),
    h('span', { class: 'type', text: job.type, title: job.type }),
    h('span', { class: 'title', text: titleOf(job) }));
  li.querySelector('.job-meta').replaceChildren(...cardMeta(job));
  const extra = cardExtra(job);
  const box = li.querySelector('.job-extra');
  box.replaceChildren(...(extra ? [extra] : []));
  box.hidden = !extra;
}

function newCard(job) {
  const li = h('li', { class: 'job', 'data-id': job.id },
    h('div', { class: 'job-row' },
      h('button', { type: 'button', class: 'job-head', id: 'job-' + job.id, 'aria-expanded': 'false' }),
      h('span', { class: 'job-meta' }),
      h('div', { class: 'job-extra' })));
  renderCard(li, job);
  return li;
}

/** Moves a card's progress bar without a fetch (progress events carry the percentage). */
function setCardProgress(li, pct) {
  const bar = li.querySelector('.job-extra .bar');
  if (!bar) return;
  const p = Math.max(0, Math.min(100, Number(pct) || 0));
  bar.setAttribute('aria-valuenow', String(p));
  bar.firstChild.style.width = p + '%';
  bar.nextSibling.textContent = p + '%';
}

/** Keeps countdowns and relative times current; only loaded cards exist, so this stays cheap. */
function tick() {
  for (const el of document.querySelectorAll('[data-promote-at]')) {
    el.textContent = (el.dataset.prefix || '') + until(Number(el.dataset.promoteAt));
  }
  for (const el of document.querySelectorAll('[data-ago]')) {
    el.textContent = el.dataset.prefix + ago(Number(el.dataset.ago));
  }
}
`;
