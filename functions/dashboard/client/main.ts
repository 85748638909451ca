/** Client script, part 9: wiring and start-up. */
// biome-ignore lint/complexity/noUselessStringRaw: client code keeps its backslashes as written
export const main = String.raw`
const pageTitle = document.title;

function syncControls() {
  for (const tab of document.querySelectorAll('[role=tab]')) {
    const selected = tab.dataset.state === view.state;
    tab.setAttribute('aria-selected', selected ? 'true' : 'false');
    tab.tabIndex = selected ? 0 : -1;
  }
  $('jobs-panel').setAttribute('aria-labelledby', 'tab-' + view.state);
  renderTypeFilter();
  renderPausedNote();
  $('order').value = view.order;
  if ($('search').value.trim() !== view.q) $('search').value = view.q;
  renderCounts();
  updateBulk();
}

/** Changes filters, mirrors them in the URL (a new history entry) and reloads the list. */
function setFilter(change, replace) {
  let changed = false;
  for (const key in change) {
    if (view[key] !== change[key]) {
      view[key] = change[key];
      changed = true;
    }
  }
  if (!changed) return;
  writeView(!replace);
  syncControls();
  resetList();
}

function applySearch() {
  setFilter({ q: $('search').value.trim().slice(0, 500) }, true);
}

function start() {
  for (const tab of document.querySelectorAll('[role=tab]')) {
    tab.addEventListener('click', () => setFilter({ state: tab.dataset.state }));
  }
  document.querySelector('[role=tablist]').addEventListener('keydown', onTabKey);
  $('type-filter').addEventListener('change', (e) => setFilter({ type: e.target.value }));
  $('order').addEventListener('change', (e) => setFilter({ order: e.target.value }));
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    applySearch();
  });
  $('search').addEventListener('input', debounce(applySearch, 350));
  $('banner-close').addEventListener('click', hideBanner);
  $('retry-all').addEventListener('click', () => attempt(() => bulkView('retry')));
  $('remove-all').addEventListener('click', () => attempt(() => bulkView('remove')));
  $('paused-resume').addEventListener('click', () => attempt(() => setPaused(view.type, false)));

  jobsEl.addEventListener('click', (e) => {
    const li = e.target.closest('.job');
    if (!li) return;
    const action = e.target.closest('button[data-action]');
    if (action) {
      // one request per click: a double click must not remove or restart twice
      action.disabled = true;
      const field = action.dataset.field;
      const select = field ? li.querySelector('select[data-action="' + field + '"]') : null;
      attempt(async () => {
        try {
          await (select
            ? jobAction(li.dataset.id, field, select.value)
            : jobAction(li.dataset.id, action.dataset.action));
        } catch (err) {
          // the editor shows the job as it is, not the refused value
          if (select) {
            select.value = shownValue(select);
            action.hidden = true;
            markDetail(li.dataset.id);
          }
          throw err;
        }
      }).then(() => {
        action.disabled = false;
      });
      return;
    }
    if (e.target.closest('.detail')) return;
    toggle(li.dataset.id);
  });
  // A state or priority picked arms its button (applyButton, detail.ts); picking the job's own
  // value again disarms it.
  jobsEl.addEventListener('change', (e) => {
    const li = e.target.closest('.job');
    const field = e.target.dataset && e.target.dataset.action;
    if (!li || !field) return;
    const button = li.querySelector('button[data-action=apply][data-field="' + field + '"]');
    if (!button) return;
    const current = Array.from(e.target.options).find((o) => o.defaultSelected);
    button.hidden = current !== undefined && current.value === e.target.value;
  });
  document.addEventListener('keydown', onKey);
  window.addEventListener('popstate', () => {
    Object.assign(view, readView());
    writeView(false);
    syncControls();
    resetList();
  });

  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore();
  }, { rootMargin: '0px 0px 800px 0px' }).observe(sentinel);
  // The observer reports changes seen at a frame: a page appended and a scroll back down before the
  // next frame leave the sentinel near with no change to report, and loading would stop there.
  let scrollCheck = 0;
  window.addEventListener('scroll', () => {
    if (scrollCheck) return;
    scrollCheck = requestAnimationFrame(() => {
      scrollCheck = 0;
      if (sentinelNear()) loadMore();
    });
  }, { passive: true });

  // A tab hidden for a minute sleeps (live.ts): these read nothing until it is shown again.
  setInterval(() => {
    tick();
    if (!asleep) refreshRunningDetails();
  }, 1000);
  setInterval(() => {
    if (!asleep) scheduleChart();
  }, 60000);
  // A slow safety net for queues that run with job events turned off.
  setInterval(() => {
    if (!asleep) scheduleCounts();
  }, 30000);
  document.addEventListener('visibilitychange', onVisibility);
  // opened in a background tab: no event says it is hidden
  onVisibility();

  // On a phone the side panels sit above the jobs: the chart starts folded, and the types are one
  // row that scrolls sideways (style.ts), so the first jobs stay in view.
  if (window.matchMedia('(max-width: 900px)').matches) $('chart-card').open = false;
  // The address bar shows the view as shown: values the view ignored (a bogus state, an over-long
  // query) would stay in a copied link and say something the page does not show.
  writeView(false);
  syncControls();
  attempt(refreshCounts);
  attempt(refreshChart);
  // The stream first, then the list: a job that changes between the two is not lost (the server
  // fixes the stream's position before it answers; a stream slow to open holds the list 1.5 s).
  connectLive();
  const gen = listState.gen;
  Promise.race([liveReady, new Promise((resolve) => setTimeout(resolve, 1500))]).then(() => {
    // a tab, filter or search picked meanwhile has loaded its own list already
    if (listState.gen === gen) resetList();
  });
}

start();
`;
