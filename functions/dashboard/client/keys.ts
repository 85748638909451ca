/** Client script, part 8: keyboard navigation (j/k or arrows, Enter, /, 1–5, Escape). */
// biome-ignore lint/complexity/noUselessStringRaw: client code keeps its backslashes as written
export const keys = String.raw`
function isTyping(el) {
  return el instanceof HTMLElement &&
    (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA');
}

function moveFocus(delta) {
  const heads = Array.from(jobsEl.querySelectorAll('.job-head'));
  if (heads.length === 0) return;
  const card = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.job') : null;
  const at = card ? heads.indexOf(card.querySelector('.job-head')) : -1;
  const next = at < 0 ? (delta > 0 ? 0 : heads.length - 1) : Math.max(0, Math.min(heads.length - 1, at + delta));
  heads[next].focus();
  heads[next].scrollIntoView({ block: 'nearest' });
}

function onKey(e) {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
  if ($('confirm').open) return;
  const target = e.target;
  if (isTyping(target)) {
    if (e.key === 'Escape' && target.id === 'search') target.blur();
    // a detail's select: Escape still closes the detail (a closed select has nothing to cancel)
    if (!(e.key === 'Escape' && target.tagName === 'SELECT' && target.closest('.detail'))) return;
  }
  const onCard = target instanceof Element && target.closest('.job-head');
  if (e.key === '/') {
    e.preventDefault();
    $('search').focus();
    $('search').select();
  } else if (e.key >= '1' && e.key <= '5') {
    e.preventDefault();
    setFilter({ state: STATES[Number(e.key) - 1] });
    $('tab-' + view.state).focus();
  } else if (e.key === 'j' || (e.key === 'ArrowDown' && onCard)) {
    e.preventDefault();
    moveFocus(1);
  } else if (e.key === 'k' || (e.key === 'ArrowUp' && onCard)) {
    e.preventDefault();
    moveFocus(-1);
  } else if (e.key === 'Escape') {
    const card = target instanceof Element ? target.closest('.job') : null;
    if (card && openCards.has(card.dataset.id)) {
      collapse(card.dataset.id);
      // a held card leaves as it closes; focus went to its neighbour then
      if (card.isConnected) card.querySelector('.job-head').focus();
    }
  }
}

/** Arrow keys within the tab list, as the ARIA tabs pattern has it. */
function onTabKey(e) {
  const at = STATES.indexOf(view.state);
  let next = -1;
  if (e.key === 'ArrowRight') next = (at + 1) % STATES.length;
  else if (e.key === 'ArrowLeft') next = (at + STATES.length - 1) % STATES.length;
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = STATES.length - 1;
  if (next < 0) return;
  e.preventDefault();
  setFilter({ state: STATES[next] });
  $('tab-' + STATES[next]).focus();
}
`;
