/**
 * Client script, part 5: the job list. Pages of PAGE jobs come from the range API as the sentinel
 * below the list nears the viewport; only loaded pages are in the DOM, so a state with 100,000
 * jobs costs what the user has scrolled through. With a search, pages are slices of the matching
 * ids instead, filtered to the view. A job that leaves the view takes its card with it, unless
 * the user has its detail open: that card is held (shown as moved) until the detail is closed.
 */
export const list = String.raw`
const PAGE = 50;
/** Pages of search ids that may find nothing before loading waits for the user. */
const EMPTY_SEARCH_PAGES = 10;
const jobsEl = $('jobs');
const sentinel = $('sentinel');
/** Loaded jobs: id -> { li, job }. */
const cards = new Map();
/** Cards whose job left the view while their detail was open: shown until it is closed, not listed. */
const heldCards = new Set();
const listState = { gen: 0, cursor: 0, done: false, loading: null, ids: null, emptyPages: 0, error: false };

function matchesView(job) {
  return job.state === view.state && (!view.type || job.type === view.type);
}

/** Whether id sorts before other in the view's order. */
function before(id, other) {
  return view.order === 'asc' ? Number(id) < Number(other) : Number(id) > Number(other);
}

/** Cards of jobs in the view: what the list counts (a held card is no longer one of them). */
function listedCount() {
  return cards.size - heldCards.size;
}

/** The last card of a job in the view: where the loaded pages end (a held card may sit after it). */
function lastListed() {
  let li = jobsEl.lastElementChild;
  while (li && heldCards.has(li.dataset.id)) li = li.previousElementSibling;
  return li;
}

function resetList() {
  listState.gen++;
  listState.cursor = 0;
  listState.done = false;
  listState.loading = null;
  listState.ids = null;
  listState.emptyPages = 0;
  listState.error = false;
  missed = 0;
  // what was announced belongs to the view being left
  announcement = '';
  updateMissed();
  cards.clear();
  heldCards.clear();
  openCards.clear();
  jobsEl.replaceChildren();
  jobsEl.setAttribute('aria-busy', 'true');
  updateListEnd();
  updateSummary();
  loadMore();
}

function rangePath(from, to) {
  const range = from + '..' + to + '/' + view.order;
  return view.type
    ? 'jobs/' + enc(view.type) + '/' + view.state + '/' + range
    : 'jobs/' + view.state + '/' + range;
}

/** Jobs each page read reaches back before where the last one ended, to find the last loaded job. */
const OVERLAP = 10;

/**
 * The next page: the jobs after the last loaded one. Ranks shift while the user scrolls (jobs
 * enter or leave above), so the cursor is only a guess at where that job ranks now: a read that
 * starts after it (the first job it holds sorts after the last loaded one) may have skipped jobs,
 * and reaches further back until it holds that job or a job before it; what it holds up to there
 * is already on the page and is dropped. So a page neither skips nor repeats a job.
 */
async function rangePage(gen) {
  const last = lastListed();
  const after = last ? last.dataset.id : null;
  let from = after === null ? 0 : Math.max(0, listState.cursor - OVERLAP);
  let back = PAGE;
  for (;;) {
    const count = after === null ? PAGE : PAGE + OVERLAP;
    const { body: jobs, res } = await request(rangePath(from, from + count - 1));
    if (gen !== listState.gen) return [];
    const reaches = after === null || from === 0 || (jobs.length > 0 && !before(after, jobs[0].id));
    if (!reaches) {
      from = Math.max(0, from - back);
      back *= 2;
      continue;
    }
    // A page of large jobs stops at the server's byte budget and names where the rest starts.
    const next = res.headers.get('Edgekue-Next-Range');
    listState.cursor = next ? Number(next.split('..')[0]) : from + jobs.length;
    if (!next && jobs.length < count) listState.done = true;
    const fresh = after === null ? jobs : jobs.filter((job) => before(after, job.id));
    if (fresh.length > 0 || listState.done) return fresh;
    // The read ended at or before the last loaded job (jobs entered above meanwhile, or a page
    // cut short by the byte budget): the next one starts at its last job, to show it connects.
    // (A page of one job cannot overlap and still move on.)
    from = jobs.length > 1 ? listState.cursor - 1 : listState.cursor;
  }
}

async function searchPage(gen) {
  if (!listState.ids) {
    // the server keeps the view's state and type: pages hold only jobs the view shows
    const ids = await api(
      'job/search?q=' + enc(view.q) + '&state=' + enc(view.state) +
        (view.type ? '&type=' + enc(view.type) : ''),
    );
    if (gen !== listState.gen) return [];
    listState.ids = view.order === 'asc' ? ids : ids.slice().reverse();
  }
  const slice = listState.ids.slice(listState.cursor, listState.cursor + PAGE);
  listState.cursor += slice.length;
  if (listState.cursor >= listState.ids.length) listState.done = true;
  const jobs = await mapLimit(slice, 8, (id) =>
    api('job/' + enc(id)).catch((err) => {
      if (err.status === 404) return null;
      throw err;
    }));
  const hits = jobs.filter((job) => job && matchesView(job));
  listState.emptyPages = hits.length ? 0 : listState.emptyPages + 1;
  return hits;
}

function sentinelNear() {
  return sentinel.getBoundingClientRect().top < window.innerHeight + 800;
}

async function loadMore() {
  if (listState.loading || listState.done || listState.error) return;
  const gen = listState.gen;
  const run = (async () => {
    try {
      const jobs = view.q ? await searchPage(gen) : await rangePage(gen);
      if (gen !== listState.gen) return;
      for (const job of jobs) {
        if (!cards.has(job.id)) appendCard(job);
      }
    } catch (err) {
      if (gen !== listState.gen) return;
      listState.error = true;
      showError(err);
    }
  })();
  listState.loading = run;
  updateListEnd();
  await run;
  if (gen !== listState.gen) return;
  listState.loading = null;
  recheckLoaded();
  jobsEl.removeAttribute('aria-busy');
  updateListEnd();
  updateSummary();
  const paused = view.q && listState.emptyPages >= EMPTY_SEARCH_PAGES;
  if (!listState.done && !paused && sentinelNear()) loadMore();
}

function appendCard(job) {
  const li = newCard(job);
  cards.set(job.id, { li, job });
  jobsEl.append(li);
}

/** Places a job that entered the view at its place by id, when that place is among loaded pages. */
function insertCard(job) {
  const items = jobsEl.children;
  const last = lastListed();
  // The first page is on its way and will hold the job if it belongs there.
  if (!last && listState.loading) return false;
  if (last && !listState.done && !before(job.id, last.dataset.id)) return false;
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(items[mid].dataset.id, job.id)) lo = mid + 1;
    else hi = mid;
  }
  const li = newCard(job);
  li.classList.add('fresh');
  cards.set(job.id, { li, job });
  jobsEl.insertBefore(li, items[lo] || null);
  if (!view.q) listState.cursor++;
  return true;
}

/** Takes a card off the page; focus on it goes to a neighbour (or the tab, if none is left). */
function removeCard(id) {
  const card = cards.get(id);
  if (!card) return false;
  const hadFocus = card.li.contains(document.activeElement);
  const next = card.li.nextElementSibling || card.li.previousElementSibling;
  cards.delete(id);
  openCards.delete(id);
  // a held card left the server's list when it was held, and was uncounted then
  const wasListed = !heldCards.delete(id);
  card.li.remove();
  if (wasListed && !view.q) listState.cursor = Math.max(0, listState.cursor - 1);
  if (hadFocus) (next ? next.querySelector('.job-head') : $('tab-' + view.state)).focus();
  return true;
}

/** After cards came or went: the summary, the list's end, and one more page if the end came near. */
function listChanged() {
  updateSummary();
  updateListEnd();
  if (!listState.done && sentinelNear()) loadMore();
}

function dropCard(id, why) {
  if (!removeCard(id)) return;
  if (why) announce('Job #' + id + ' ' + why + '.');
  listChanged();
}

/** A job on screen left the view (to state, when known). Its card goes, unless its detail is open. */
function leaveView(id, state) {
  if (!cards.has(id)) return;
  if (!openCards.has(id)) {
    dropCard(id, state ? 'moved to ' + (LABELS[state] || state) : 'left this list');
    return;
  }
  holdCard(id, state);
  listChanged();
}

/**
 * The user is reading this job's detail: its card stays where it is, marked as moved, until the
 * detail is closed (collapse drops it then). The list no longer counts it, as the server's does not.
 */
function holdCard(id, state) {
  const card = cards.get(id);
  if (!heldCards.has(id)) {
    heldCards.add(id);
    if (!view.q) listState.cursor = Math.max(0, listState.cursor - 1);
    card.li.classList.add('held');
  }
  let note = card.li.querySelector('.job-moved');
  if (!note) {
    note = h('p', { class: 'job-moved' });
    card.li.querySelector('.job-row').after(note);
  }
  const where = state ? LABELS[state] || state : '';
  // events and re-reads repeat the same move: it is announced once
  if (note.dataset.state === where && note.textContent) return;
  note.dataset.state = where;
  note.textContent = (where ? 'Now ' + where : 'No longer ' + LABELS[view.state]) +
    '. It leaves this list when you close it.';
  announce('Job #' + id + (where ? ' moved to ' + where : ' left this list') + '.');
}

/** A held card's job is back in the view: the card is listed again, as it was. */
function rejoinView(id) {
  if (!heldCards.delete(id)) return;
  if (!view.q) listState.cursor++;
  const li = cards.get(id).li;
  li.classList.remove('held');
  const note = li.querySelector('.job-moved');
  if (note) note.remove();
  updateSummary();
  updateListEnd();
}

function updateJob(job) {
  const card = cards.get(job.id);
  if (card) {
    card.job = job;
    renderCard(card.li, job);
    markDetail(job.id);
    if (matchesView(job)) rejoinView(job.id);
    else leaveView(job.id, job.state);
  } else if (matchesView(job) && !view.q) {
    insertCard(job);
    updateSummary();
    updateListEnd();
  }
}

/** Most jobs one range read may ask for (the API's limit). */
const MAX_RANGE = 1000;
let rereading = false;

/**
 * While the stream is down nothing says that a job moved: the loaded pages (up to MAX_RANGE jobs)
 * are read again in one request, and the cards brought in line in place, so the scroll position,
 * focus and open details stay. A search is left as it is: its jobs are read one request each.
 */
async function rereadList() {
  if (view.q || rereading || listState.loading || listState.error) return;
  const gen = listState.gen;
  const cursor = listState.cursor;
  const count = Math.min(MAX_RANGE, Math.max(PAGE, cursor));
  rereading = true;
  try {
    const { body: jobs, res } = await request(rangePath(0, count - 1));
    // a page placed or a card moved meanwhile: the read may be older than the list (the next poll reads again)
    if (gen !== listState.gen || cursor !== listState.cursor || listState.loading) return;
    const complete = !res.headers.get('Edgekue-Next-Range') && jobs.length < count;
    reconcileList(jobs, complete);
  } finally {
    rereading = false;
  }
}

/** Brings the cards in line with a read of the view's first jobs (complete: the view has no more). */
function reconcileList(jobs, complete) {
  const read = new Set(jobs.map((job) => job.id));
  const edge = jobs.length ? jobs[jobs.length - 1].id : null;
  // a listed card the read covers but did not return has left the view (to where, the read can't say)
  const gone = Array.from(cards.keys()).filter((id) => !read.has(id) && !heldCards.has(id) &&
    (complete || (edge !== null && !before(edge, id))));
  keepingPlace(new Set(gone), () => {
    for (const id of gone) {
      if (openCards.has(id)) {
        holdCard(id, '');
        markDetail(id);
      } else {
        removeCard(id);
      }
    }
    listState.done = complete;
    for (const job of jobs) {
      const card = cards.get(job.id);
      // unchanged jobs are left alone: an open detail is re-read only when its job changed
      if (!card || JSON.stringify(card.job) !== JSON.stringify(job)) updateJob(job);
    }
  });
  listChanged();
}

/**
 * Changes the list so that what the user reads stays where it is on screen: the first card in
 * view that stays is put back at its place (cards above it may come and go).
 */
function keepingPlace(leaving, change) {
  const anchor = Array.from(jobsEl.children).find((li) =>
    !leaving.has(li.dataset.id) && li.getBoundingClientRect().bottom > 0);
  const top = anchor ? anchor.getBoundingClientRect().top : 0;
  change();
  if (anchor && anchor.isConnected) window.scrollBy(0, anchor.getBoundingClientRect().top - top);
}

let announcement = '';
let announcementTimer = null;

function announce(text) {
  announcement = text;
  clearTimeout(announcementTimer);
  announcementTimer = setTimeout(() => {
    announcement = '';
    updateSummary();
  }, 5000);
  updateSummary();
}

function updateSummary() {
  const label = LABELS[view.state].toLowerCase();
  const ofType = view.type ? ' ' + view.type : '';
  let text;
  if (view.q) {
    const total = listState.ids ? listState.ids.length : null;
    text = total === null
      ? 'Searching\u2026'
      : num(total) + ' job' + (total === 1 ? '' : 's') + ' match \u201C' + view.q + '\u201D in all states; ' +
        num(listedCount()) + ' ' + label + ofType + ' shown';
  } else {
    const total = countOf(view.state);
    const of = Math.max(total, listedCount());
    text = 'Showing ' + num(listedCount()) + ' of ' + num(of) + ' ' + label + ofType + ' job' + (of === 1 ? '' : 's');
  }
  $('list-summary').textContent = announcement ? text + ' \u00B7 ' + announcement : text;
}

function updateListEnd() {
  const end = $('list-end');
  end.replaceChildren();
  if (listState.error) {
    end.append(h('button', { type: 'button', class: 'btn', text: 'Retry loading', onclick: () => {
      listState.error = false;
      loadMore();
    } }));
  } else if (listState.loading && listedCount() === 0) {
    end.append('Loading\u2026');
  } else if (view.q && !listState.done && listState.emptyPages >= EMPTY_SEARCH_PAGES) {
    end.append(h('button', { type: 'button', class: 'btn', text: 'Search further', onclick: () => {
      listState.emptyPages = 0;
      loadMore();
    } }));
  } else if (listState.done) {
    end.append(listedCount() ? 'End of list.' : view.q ? 'No matching ' + LABELS[view.state].toLowerCase() + ' jobs.' : 'No jobs here.');
  } else {
    end.hidden = true;
    return;
  }
  end.hidden = false;
}
`;
