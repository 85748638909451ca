/**
 * Client script, part 5: the job list. Pages of PAGE jobs come from the range API as the sentinel
 * below the list nears the viewport; only loaded pages are in the DOM, so a state with 100,000
 * jobs costs what the user has scrolled through. With a search, pages are slices of the matching
 * ids instead, filtered to the view.
 */
// biome-ignore lint/complexity/noUselessStringRaw: client code keeps its backslashes as written
export const list = String.raw`
const PAGE = 50;
/** Pages of search ids that may find nothing before loading waits for the user. */
const EMPTY_SEARCH_PAGES = 10;
const jobsEl = $('jobs');
const sentinel = $('sentinel');
/** Loaded jobs: id -> { li, job }. */
const cards = new Map();
const listState = { gen: 0, cursor: 0, done: false, loading: null, ids: null, emptyPages: 0, error: false };

function matchesView(job) {
  return job.state === view.state && (!view.type || job.type === view.type);
}

/** Whether id sorts before other in the view's order. */
function before(id, other) {
  return view.order === 'asc' ? Number(id) < Number(other) : Number(id) > Number(other);
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

async function rangePage() {
  const from = listState.cursor;
  const { body: jobs, res } = await request(rangePath(from, from + PAGE - 1));
  // A page of large jobs stops at the server's byte budget and names where the rest starts.
  const next = res.headers.get('Edgekue-Next-Range');
  listState.cursor = next ? Number(next.split('..')[0]) : from + jobs.length;
  if (!next && jobs.length < PAGE) listState.done = true;
  return jobs;
}

async function searchPage(gen) {
  if (!listState.ids) {
    const ids = await api('job/search?q=' + enc(view.q));
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
      const jobs = view.q ? await searchPage(gen) : await rangePage();
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
  const last = items[items.length - 1];
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

function dropCard(id, why) {
  const card = cards.get(id);
  if (!card) return;
  const hadFocus = card.li.contains(document.activeElement);
  const next = card.li.nextElementSibling || card.li.previousElementSibling;
  cards.delete(id);
  openCards.delete(id);
  card.li.remove();
  if (!view.q) listState.cursor = Math.max(0, listState.cursor - 1);
  if (hadFocus && next) next.querySelector('.job-head').focus();
  if (why) announce('Job #' + id + ' ' + why + '.');
  updateSummary();
  updateListEnd();
  if (!listState.done && sentinelNear()) loadMore();
}

function updateJob(job) {
  const card = cards.get(job.id);
  if (matchesView(job)) {
    if (card) {
      card.job = job;
      renderCard(card.li, job);
      markDetail(job.id);
    } else if (!view.q) {
      insertCard(job);
      updateSummary();
      updateListEnd();
    }
  } else if (card) {
    dropCard(job.id, 'moved to ' + (LABELS[job.state] || job.state));
  }
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
      ? 'Searching…'
      : num(total) + ' job' + (total === 1 ? '' : 's') + ' match “' + view.q + '” in all states; ' +
        num(cards.size) + ' ' + label + ofType + ' shown';
  } else {
    const total = countOf(view.state);
    const of = Math.max(total, cards.size);
    text = 'Showing ' + num(cards.size) + ' of ' + num(of) + ' ' + label + ofType + ' job' + (of === 1 ? '' : 's');
  }
  $('list-summary').textContent = announcement ? text + ' · ' + announcement : text;
}

function updateListEnd() {
  const end = $('list-end');
  end.replaceChildren();
  if (listState.error) {
    end.append(h('button', { type: 'button', class: 'btn', text: 'Retry loading', onclick: () => {
      listState.error = false;
      loadMore();
    } }));
  } else if (listState.loading && cards.size === 0) {
    end.append('Loading…');
  } else if (view.q && !listState.done && listState.emptyPages >= EMPTY_SEARCH_PAGES) {
    end.append(h('button', { type: 'button', class: 'btn', text: 'Search further', onclick: () => {
      listState.emptyPages = 0;
      loadMore();
    } }));
  } else if (listState.done) {
    end.append(cards.size ? 'End of list.' : view.q ? 'No matching ' + LABELS[view.state].toLowerCase() + ' jobs.' : 'No jobs here.');
  } else {
    end.hidden = true;
    return;
  }
  end.hidden = false;
}
`;
