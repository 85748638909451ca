/** The dashboard's stylesheet: light and dark (following the system), and a phone layout. */
export const styleSheet = String.raw`
:root {
  --bg: #f5f6f8; --panel: #fff; --panel-2: #f0f2f5; --text: #1b2230; --muted: #5b6677;
  --border: #e1e4ea; --accent: #2f5fe0; --accent-soft: #e8eefc; --ok: #1d9a55; --bad: #d23f3f;
  --bad-soft: #fdecec; --warn: #97600f; --on-warn: #fff; --track: #e2e6ed; --shadow: 0 1px 2px rgb(16 24 40 / 6%);
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1116; --panel: #161a22; --panel-2: #1d222c; --text: #e4e7ed; --muted: #97a0b1;
    --border: #2a303c; --accent: #7c9dff; --accent-soft: #1f2a47; --ok: #3ccf7d; --bad: #ff6b6b;
    --bad-soft: #3a1d22; --warn: #f0b43c; --on-warn: #161a22; --track: #2c3340; --shadow: none;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
button, input, select { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
[hidden] { display: none !important; }
.muted { color: var(--muted); }
.grow { flex: 1; }

.top {
  display: flex; align-items: center; gap: 12px; padding: 12px 20px;
  background: var(--panel); border-bottom: 1px solid var(--border);
}
.top h1 { font-size: 18px; margin: 0; font-weight: 650; letter-spacing: -0.01em; }
.live { font-size: 12px; color: var(--muted); display: inline-flex; align-items: center; gap: 6px; }
.live::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
.live[data-status=live]::before { background: var(--ok); box-shadow: 0 0 0 3px rgb(29 154 85 / 18%); }
.live[data-status=offline]::before, .live[data-status=reconnecting]::before { background: var(--warn); }

.banner {
  display: flex; gap: 12px; align-items: center; margin: 12px 20px 0; padding: 10px 14px;
  background: var(--bad-soft); color: var(--bad); border: 1px solid var(--bad); border-radius: 8px;
}
.banner span { flex: 1; overflow-wrap: anywhere; }
.icon {
  background: none; border: 0; font-size: 20px; line-height: 1; cursor: pointer; color: inherit;
  min-width: 24px; min-height: 24px;
}

.layout {
  display: grid; grid-template-columns: minmax(0, 1fr) 356px; gap: 0 20px;
  max-width: 1320px; margin: 0 auto; padding: 16px 20px 40px;
  /* the side panels span both rows: the list starts right under the filters however tall they are */
  grid-template-rows: auto 1fr; grid-template-areas: "controls side" "list side";
}
.controls { grid-area: controls; min-width: 0; }
.side { grid-area: side; display: flex; flex-direction: column; gap: 16px; }
.jobs-panel { grid-area: list; min-width: 0; }

.tabs {
  display: flex; gap: 4px; box-shadow: inset 0 -1px 0 var(--border); overflow-x: auto; scrollbar-width: none;
}
.tab {
  display: inline-flex; gap: 8px; align-items: center; padding: 8px 12px; border-radius: 6px 6px 0 0;
  background: none; border: 0; border-bottom: 2px solid transparent; cursor: pointer;
  color: var(--muted); white-space: nowrap; font-weight: 550;
}
/* The tab bar scrolls sideways, so it clips what sticks out of it: the ring is drawn inside the tab. */
.tab:focus-visible { outline-offset: -2px; }
.tab:hover { color: var(--text); }
.tab[aria-selected=true] { color: var(--accent); border-bottom-color: var(--accent); }
.count {
  font-size: 12px; padding: 1px 7px; border-radius: 999px; background: var(--panel-2);
  color: var(--text); font-variant-numeric: tabular-nums; min-width: 24px; text-align: center;
}
.tab[aria-selected=true] .count { background: var(--accent-soft); color: var(--accent); }
.tab[data-state=failed] .count.nonzero { color: var(--bad); background: var(--bad-soft); }

.toolbar { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin: 12px 0; }
.field { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); }
.field select, .field input {
  font-size: 14px; color: var(--text); background: var(--panel); border: 1px solid var(--border);
  border-radius: 7px; padding: 6px 9px; min-height: 34px;
}
/* a select is as wide as its longest option: a long type name would widen the page */
.field select { max-width: 100%; text-overflow: ellipsis; }
.toolbar .field { min-width: 0; max-width: 100%; }
#type-filter { max-width: min(260px, 100%); }
.search, .search form { display: flex; flex: 1; min-width: 200px; }
.search .field { flex: 1; }

.list-head { display: flex; align-items: center; gap: 12px; min-height: 34px; margin-bottom: 8px; }
.list-status { flex: 1; min-width: 0; }
.summary { margin: 0; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.paused-note {
  display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; margin: 4px 0 0; padding-left: 8px;
  border-left: 3px solid var(--warn); font-size: 13px; overflow-wrap: anywhere;
}
.bulk { display: flex; flex-wrap: wrap; justify-content: end; align-items: center; gap: 4px 8px; }
.bulk .btn { max-width: 16em; overflow: hidden; text-overflow: ellipsis; }
.bulk-note { flex-basis: 100%; text-align: right; font-size: 12px; color: var(--muted); }

.btn {
  border: 1px solid var(--border); background: var(--panel); border-radius: 7px; padding: 5px 11px;
  cursor: pointer; font-size: 13px; white-space: nowrap;
}
.btn:hover:not(:disabled) { border-color: var(--accent); color: var(--accent); }
.btn:disabled { opacity: 0.45; cursor: default; }
.btn.danger { color: var(--bad); }
.btn.danger:hover:not(:disabled) { border-color: var(--bad); color: var(--bad); background: var(--bad-soft); }
.btn.small { padding: 2px 8px; font-size: 12px; min-height: 24px; }
.btn.pill { display: block; margin: 0 auto 8px; border-radius: 999px; background: var(--accent-soft); color: var(--accent); }
.link {
  background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; font-weight: 600;
  min-width: 24px; min-height: 24px; text-align: left;
}

.jobs { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.job {
  background: var(--panel); border: 1px solid var(--border); border-radius: 10px;
  box-shadow: var(--shadow); overflow: hidden;
}
.job.open { border-color: var(--accent); }
.job.held { border-style: dashed; }
.job-moved {
  margin: 0; padding: 6px 14px; font-size: 13px; color: var(--warn); background: var(--panel-2);
  border-top: 1px solid var(--border);
}
.job.fresh { animation: fresh 1.5s ease-out; }
@keyframes fresh { from { background: var(--accent-soft); } to { background: var(--panel); } }
.job-row {
  display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 4px 12px; padding: 10px 14px;
  cursor: pointer; align-items: baseline;
}
.job-row:hover { background: var(--panel-2); }
.job-head {
  display: flex; gap: 10px; align-items: baseline; min-width: 0; background: none; border: 0;
  padding: 0; text-align: left; cursor: pointer; border-radius: 4px; min-height: 24px;
}
.job-head .id { font-family: var(--mono); color: var(--muted); font-size: 13px; }
.job-head .type {
  font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 999px;
  background: var(--accent-soft); color: var(--accent); white-space: nowrap;
  /* a type name may be 200 characters: clipped here, whole in the chip's title */
  flex: 0 1 auto; min-width: 0; max-width: 60%; overflow: hidden; text-overflow: ellipsis;
}
.job-head .title { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 500; }
.job-meta { display: flex; gap: 10px; align-items: baseline; font-size: 12px; color: var(--muted); white-space: nowrap; }
.job-extra { grid-column: 1 / -1; min-width: 0; }
.chip { font-size: 11px; padding: 1px 7px; border-radius: 999px; background: var(--panel-2); color: var(--muted); font-weight: 600; }
.chip[data-priority=high], .chip[data-priority=critical] { background: var(--bad-soft); color: var(--bad); }
.chip.paused { background: var(--warn); color: var(--on-warn); }
.progress { display: flex; align-items: center; gap: 10px; }
.bar { flex: 1; height: 6px; border-radius: 999px; background: var(--track); overflow: hidden; max-width: 520px; }
.fill { display: block; height: 100%; background: var(--accent); border-radius: inherit; transition: width 0.4s ease; }
.pct { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; min-width: 36px; }
.countdown { font-size: 12px; color: var(--warn); }
.error-line {
  display: block; font-family: var(--mono); font-size: 12px; color: var(--bad);
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}

.detail { border-top: 1px solid var(--border); padding: 12px 14px 14px; background: var(--panel); cursor: auto; }
.actions { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 8px; font-size: 13px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.part h3 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 14px 0 6px; }
.tree-box, .stack, .log {
  background: var(--panel-2); border-radius: 8px; padding: 8px 10px; font-family: var(--mono);
  font-size: 12px; overflow: auto; max-height: 320px; margin: 0;
}
.tree { list-style: none; margin: 0; padding-left: 16px; }
.tree-box > .tree { padding-left: 0; }
.tree summary { cursor: pointer; line-height: 24px; }
.key { color: var(--accent); }
.leaf { overflow-wrap: anywhere; white-space: pre-wrap; }
.leaf.string { color: var(--ok); }
.leaf.number, .leaf.boolean { color: var(--warn); }
.leaf.null { color: var(--muted); }
.stack { color: var(--bad); white-space: pre-wrap; overflow-wrap: anywhere; }
.log { padding-left: 36px; }
.log li { white-space: pre-wrap; overflow-wrap: anywhere; }

.sentinel { height: 1px; }
.list-end { text-align: center; color: var(--muted); font-size: 13px; margin: 16px 0; }

.card { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 12px 14px; box-shadow: var(--shadow); }
.card summary { cursor: pointer; list-style: none; display: flex; align-items: center; gap: 6px; min-height: 24px; }
.card summary::-webkit-details-marker { display: none; }
.card summary::after { content: "\25BE"; color: var(--muted); margin-left: auto; transition: transform 0.15s; }
.card:not([open]) summary::after { transform: rotate(-90deg); }
.card h2 { font-size: 13px; margin: 0; font-weight: 650; }
.card[open] summary { margin-bottom: 8px; }
.chart svg { display: block; width: 100%; height: auto; }
.chart .complete { fill: var(--ok); }
.chart .failed { fill: var(--bad); }
.chart .hit { fill: transparent; }
.chart .minute:hover .hit { fill: var(--panel-2); }
.chart .axis, .chart .grid { stroke: var(--border); stroke-width: 1; }
.chart .grid { stroke-dasharray: 3 3; }
.chart .label { fill: var(--muted); font-size: 10px; }
.legend { margin: 6px 0 0; font-size: 12px; color: var(--muted); display: flex; gap: 6px; align-items: center; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.swatch.complete { background: var(--ok); }
.swatch.failed { background: var(--bad); margin-left: 8px; }
.type-list {
  list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; grid-template-columns: minmax(0, 1fr);
}
.side, .side .card, .type-row { min-width: 0; }
.type-row + .type-row { border-top: 1px solid var(--border); padding-top: 10px; }
.type-top { display: flex; gap: 8px; align-items: center; min-width: 0; }
.type-name { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.type-counts { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 2px; margin: 6px 0 8px; }
.type-count {
  display: flex; flex-direction: column; align-items: flex-start; padding: 2px 3px; border: 0;
  border-radius: 6px; background: none; cursor: pointer; font-size: 11px; color: var(--muted); min-width: 0;
}
.type-count:hover { background: var(--panel-2); }
.type-count span { overflow: hidden; text-overflow: ellipsis; max-width: 100%; }
.type-count b { color: var(--text); font-size: 14px; font-weight: 600; font-variant-numeric: tabular-nums; }
.type-count.nonzero[data-state=failed] b { color: var(--bad); }
.type-actions { display: flex; flex-wrap: wrap; gap: 6px; }
.keys { font-size: 12px; color: var(--muted); margin: 0; }
kbd { font-family: var(--mono); font-size: 11px; padding: 0 4px; border: 1px solid var(--border); border-radius: 4px; background: var(--panel); }

.confirm { border: 1px solid var(--border); border-radius: 12px; background: var(--panel); color: var(--text); padding: 18px 20px; max-width: 420px; }
.confirm::backdrop { background: rgb(0 0 0 / 40%); }
.confirm p { margin: 0 0 14px; overflow-wrap: anywhere; }
.confirm .row { display: flex; justify-content: end; gap: 8px; }

@media (max-width: 900px) {
  .layout {
    grid-template-columns: minmax(0, 1fr); grid-template-rows: none;
    grid-template-areas: "controls" "side" "list"; padding: 12px; gap: 0;
  }
  .side { gap: 8px; margin-bottom: 12px; }
  .keys { display: none; }
  /* One row of types that scrolls sideways, so the jobs stay in view below it. */
  .type-list { display: flex; gap: 8px; overflow-x: auto; scroll-snap-type: x proximity; }
  .type-row {
    flex: 0 0 min(300px, 90%); padding: 8px 10px; border: 1px solid var(--border); border-radius: 8px;
    scroll-snap-align: start;
  }
  .type-row + .type-row { border-top: 1px solid var(--border); padding-top: 8px; }
}
@media (max-width: 560px) {
  .top { padding: 10px 12px; }
  .tabs { gap: 0; }
  .tab { flex: 1; flex-direction: column; gap: 2px; padding: 6px 2px; font-size: 13px; }
  .toolbar .field:not(.grow) { flex: 1; }
  .search { flex-basis: 100%; }
  .job-row { grid-template-columns: minmax(0, 1fr); }
  .job-head { flex-wrap: wrap; row-gap: 2px; }
  .job-head .title { flex-basis: 100%; white-space: normal; }
  .list-head { flex-wrap: wrap; }
}
@media (prefers-reduced-motion: reduce) {
  .fill { transition: none; }
  .job.fresh { animation: none; }
}
`;
