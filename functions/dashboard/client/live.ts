/**
 * Client script, part 7: live updates from GET /events (Server-Sent Events). Progress events move
 * bars directly; other events are batched: jobs on screen are re-read, jobs that may enter the
 * view are fetched and placed, and counts are refreshed with a throttle. When the stream is down
 * the page falls back to polling the counts and the loaded list until it reconnects.
 */
export const live = String.raw`
const EVENT_NAMES = ['enqueue', 'promotion', 'start', 'progress', 'failed attempt', 'failed',
  'complete', 'remove', 'state', 'update', 'pause', 'resume'];
/** The state an event leaves its job in, when the event alone says so. */
const STATE_AFTER = { start: 'active', complete: 'complete', failed: 'failed', promotion: 'inactive' };
/** Jobs fetched per batch; beyond that the user is offered a reload instead. */
const FETCH_LIMIT = 25;
let source = null;
let pollTimer = null;
let reconnectTimer = null;
const pendingIds = new Set();
let missed = 0;
/**
 * Jobs with events while a page was on its way: the page may show them as they were when it was
 * read (a job complete since still 'active'), so they are read again once it is placed.
 */
const seenWhileLoading = new Set();
/** Resolves once the stream has its position (or gave up): a list read after it misses nothing. */
let markLiveReady;
const liveReady = new Promise((resolve) => {
  markLiveReady = resolve;
});

function setLive(status, text) {
  const el = $('live');
  el.dataset.status = status;
  el.textContent = text;
}

function stateAfter(ev) {
  if (ev.event === 'enqueue' || ev.event === 'state') return ev.args && ev.args[0];
  return STATE_AFTER[ev.event];
}

function onEvent(ev) {
  if (!ev || typeof ev !== 'object') return;
  scheduleCounts();
  if (ev.event === 'complete' || ev.event === 'failed') scheduleChart();
  const id = ev.id === undefined || ev.id === null ? '' : String(ev.id);
  if (!id) return;
  const card = cards.get(id);
  if (!card && listState.loading && seenWhileLoading.size < 1000) seenWhileLoading.add(id);
  if (ev.event === 'progress') {
    if (card) {
      const pct = Number(ev.args && ev.args[0]);
      card.job.progress = pct;
      setCardProgress(card.li, pct);
      markDetail(id);
    }
    return;
  }
  if (ev.event === 'remove') {
    dropCard(id, 'was removed');
    return;
  }
  const next = stateAfter(ev);
  if (card) {
    if (next && next !== view.state) {
      leaveView(id, next);
      // an open detail stays: it shows the job as it is now
      markDetail(id);
    } else {
      pendingIds.add(id);
    }
  } else if (!view.q && (!view.type || ev.type === view.type) && (!next || next === view.state)) {
    pendingIds.add(id);
  }
  if (pendingIds.size) scheduleFlush();
}

const scheduleFlush = throttle(() => attempt(flushEvents), 300);

/** A page was placed: its jobs that had events while it travelled are read again. */
function recheckLoaded() {
  for (const id of seenWhileLoading) if (cards.has(id)) pendingIds.add(id);
  seenWhileLoading.clear();
  if (pendingIds.size) scheduleFlush();
}

async function flushEvents() {
  const gen = listState.gen;
  const ids = Array.from(pendingIds);
  pendingIds.clear();
  // Jobs already on screen come first; jobs that may enter the view fill the rest of the batch.
  const shown = ids.filter((id) => cards.has(id));
  const entering = ids.filter((id) => !cards.has(id) && couldEnter(id));
  const batch = shown.concat(entering).slice(0, FETCH_LIMIT + shown.length);
  missed += Math.max(0, shown.length + entering.length - batch.length);
  updateMissed();
  const jobs = await mapLimit(batch, 6, (id) =>
    api('job/' + enc(id)).catch((err) => {
      if (err.status === 404) {
        dropCard(id, 'was removed');
        return null;
      }
      throw err;
    }));
  if (gen !== listState.gen) return;
  for (const job of jobs) if (job) updateJob(job);
}

/** Whether a job not on screen would land among the loaded pages (else paging will bring it). */
function couldEnter(id) {
  if (listState.done) return true;
  const last = lastListed();
  return !last || before(id, last.dataset.id);
}

function updateMissed() {
  let pill = $('missed');
  if (!missed) {
    if (pill) pill.remove();
    return;
  }
  if (!pill) {
    pill = h('button', { type: 'button', id: 'missed', class: 'btn pill', onclick: () => {
      missed = 0;
      updateMissed();
      resetList();
    } });
    $('jobs-panel').prepend(pill);
  }
  pill.textContent = num(missed) + ' more change' + (missed === 1 ? '' : 's') + ': reload the list';
}

function startPolling() {
  if (pollTimer) return;
  pollTimer = setInterval(() => {
    scheduleCounts();
    scheduleChart();
    // no event says that a job on screen moved: the list is read again, at the counts' pace
    attempt(rereadList);
  }, 5000);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

/**
 * The stream is open, so the server and Redis answer again: an outage reported in the banner is
 * over, and a list whose read failed meanwhile is read again (it would wait for a click on "Retry
 * loading" otherwise); the counts are read too, and say so if the outage is not over after all.
 */
function recoverFromOutage() {
  if (bannerIsOutage) hideBanner();
  if (!listState.error) return;
  listState.error = false;
  scheduleCounts();
  if (listedCount() === 0 && !listState.loading) resetList();
  else loadMore();
}

function connectLive() {
  if (asleep) return;
  if (!('EventSource' in window)) {
    setLive('offline', 'polling');
    startPolling();
    markLiveReady();
    return;
  }
  // The server ends each stream after a while and EventSource reconnects with Last-Event-ID, so
  // no event is lost; only a reconnection that takes a while is shown, and polling covers it.
  let slow = null;
  source = new EventSource(new URL('events', base));
  source.onopen = () => {
    markLiveReady();
    clearTimeout(slow);
    slow = null;
    setLive('live', 'live');
    stopPolling();
    recoverFromOutage();
    if (rereadOnOpen) {
      rereadOnOpen = false;
      attempt(rereadList);
    }
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      clearTimeout(slow);
      setLive('offline', 'offline, polling');
      startPolling();
      source = null;
      reconnectTimer = setTimeout(connectLive, 30000);
    } else if (!slow) {
      slow = setTimeout(() => {
        slow = null;
        if (source && source.readyState !== EventSource.OPEN) {
          setLive('reconnecting', 'reconnecting\u2026');
          startPolling();
        }
      }, 3000);
    }
  };
  const handle = (e) => {
    let ev;
    try {
      ev = JSON.parse(e.data);
    } catch {
      return;
    }
    if (ev && typeof ev === 'object' && !ev.event) ev.event = e.type;
    onEvent(ev);
  };
  for (const name of EVENT_NAMES) source.addEventListener(name, handle);
  source.onmessage = handle;
}

/**
 * A tab hidden for a while asks nothing (on Upstash every request is billed): the stream is
 * closed and the periodic reads stop. Shown again, it reads the counts, the chart and the loaded
 * list, and reconnects (the list is read once the stream has its position, so nothing is missed).
 */
const HIDDEN_SLEEP_MS = 60000;
let asleep = false;
let sleepTimer = null;
let rereadOnOpen = false;

function onVisibility() {
  if (document.visibilityState === 'hidden') {
    if (!asleep && !sleepTimer) sleepTimer = setTimeout(sleep, HIDDEN_SLEEP_MS);
    return;
  }
  clearTimeout(sleepTimer);
  sleepTimer = null;
  if (asleep) wake();
}

function sleep() {
  sleepTimer = null;
  asleep = true;
  clearTimeout(reconnectTimer);
  stopPolling();
  if (source) {
    source.close();
    source = null;
  }
  setLive('asleep', 'paused while hidden');
}

function wake() {
  asleep = false;
  attempt(refreshCounts);
  attempt(refreshChart);
  rereadOnOpen = 'EventSource' in window;
  connectLive();
  if (!rereadOnOpen) attempt(rereadList);
}
`;
