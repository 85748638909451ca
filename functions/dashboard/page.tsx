import type { FC } from 'hono/jsx';
import { type DashboardView, states } from './view.js';

export interface PageProps {
  title: string;
  /** Relative prefix from the page's URL to the dashboard's root ('' or 'mount/'). */
  base: string;
  version: string;
  view: DashboardView;
}

const Tabs: FC<{ view: DashboardView }> = ({ view }) => (
  <div class="tabs" role="tablist" aria-label="Job states">
    {states.map((s, i) => (
      <button
        type="button"
        role="tab"
        id={`tab-${s.state}`}
        class="tab"
        data-state={s.state}
        aria-selected={s.state === view.state ? 'true' : 'false'}
        aria-controls="jobs-panel"
        tabindex={s.state === view.state ? 0 : -1}
        aria-keyshortcuts={String(i + 1)}
      >
        <span class="tab-label">{s.label}</span>
        <span class="count" data-count={s.state}>
          –
        </span>
      </button>
    ))}
  </div>
);

const Toolbar: FC<{ view: DashboardView }> = ({ view }) => (
  <div class="toolbar">
    <label class="field">
      <span>Type</span>
      <select id="type-filter" name="type">
        <option value="">All types</option>
        {view.type ? (
          <option value={view.type} selected>
            {view.type}
          </option>
        ) : null}
      </select>
    </label>
    <label class="field">
      <span>Order</span>
      <select id="order" name="order">
        <option value="desc" selected={view.order === 'desc'}>
          Newest first
        </option>
        <option value="asc" selected={view.order === 'asc'}>
          Oldest first
        </option>
      </select>
    </label>
    <search class="search">
      <form id="search-form">
        <label class="field grow">
          <span>Search</span>
          <input
            id="search"
            name="q"
            type="search"
            value={view.q}
            placeholder="Words in job data"
            autocomplete="off"
            aria-keyshortcuts="/"
          />
        </label>
      </form>
    </search>
  </div>
);

/** The page's shell; the client script fills it from the JSON API and keeps it live. */
export const Page: FC<PageProps> = ({ title, base, version, view }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <title>{title}</title>
      <link rel="icon" href={`${base}_dashboard/icon.svg?v=${version}`} type="image/svg+xml" />
      <link rel="stylesheet" href={`${base}_dashboard/style.css?v=${version}`} />
      <script src={`${base}_dashboard/app.js?v=${version}`} defer />
    </head>
    <body>
      <header class="top">
        <h1>{title}</h1>
        <span id="live" class="live" data-status="connecting" role="status">
          connecting…
        </span>
      </header>
      <div id="banner" class="banner" role="alert" hidden>
        <span id="banner-text" />
        <button type="button" id="banner-close" class="icon" aria-label="Dismiss">
          ×
        </button>
      </div>
      {/* The DOM order is the visual order, so Tab follows it: the tabs and filters, the side
          panels (beside them on a wide screen, below them on a phone), then the jobs. */}
      <main class="layout">
        <div class="controls">
          <Tabs view={view} />
          <Toolbar view={view} />
        </div>
        <aside class="side">
          <details class="card" id="chart-card" open>
            <summary>
              <h2 id="chart-title">Throughput, last hour</h2>
            </summary>
            <div id="chart" class="chart" />
            <p id="chart-legend" class="legend">
              <span class="swatch complete" /> <span id="chart-complete">–</span> complete{' '}
              <span class="swatch failed" /> <span id="chart-failed">–</span> failed
            </p>
          </details>
          <details class="card" id="types-card" open>
            <summary>
              <h2 id="types-title">Types</h2>
            </summary>
            <div id="types" class="types" />
          </details>
          <p class="keys">
            <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>/</kbd> search ·{' '}
            <kbd>1</kbd>–<kbd>5</kbd> tabs
          </p>
        </aside>
        <section
          id="jobs-panel"
          class="jobs-panel"
          role="tabpanel"
          aria-labelledby={`tab-${view.state}`}
        >
          <div class="list-head">
            {/* One live region: a type paused or resumed meanwhile is announced with the counts. */}
            <div class="list-status" aria-live="polite">
              <p id="list-summary" class="summary" />
              <p id="paused-note" class="paused-note" hidden>
                <span id="paused-text" />
                <button type="button" id="paused-resume" class="btn small" hidden>
                  Resume
                </button>
              </p>
            </div>
            <div id="bulk" class="bulk" hidden>
              <button type="button" id="retry-all" class="btn">
                Retry all
              </button>
              <button type="button" id="remove-all" class="btn danger">
                Remove all
              </button>
              {/* A search shows some of the state's jobs: the bulk actions would act on all of them. */}
              <span id="bulk-note" class="bulk-note" hidden />
            </div>
          </div>
          <ol id="jobs" class="jobs" aria-label="Jobs" />
          <div id="sentinel" class="sentinel" aria-hidden="true" />
          <p id="list-end" class="list-end" hidden />
        </section>
      </main>
      <dialog id="confirm" class="confirm" aria-labelledby="confirm-text">
        <form method="dialog">
          <p id="confirm-text" />
          <div class="row">
            <button type="submit" value="cancel" class="btn">
              Cancel
            </button>
            <button type="submit" value="ok" class="btn danger" id="confirm-ok">
              Confirm
            </button>
          </div>
        </form>
      </dialog>
    </body>
  </html>
);
