// Keeps the keyboard's place (renderer). When the focused control goes away (Batch's Start gives
// way to Pause and Cancel, and they to Start again), the browser drops the focus to the page and the
// next Tab starts over at the sidebar: the control that takes its place gets it instead.
import { tick } from 'svelte';

/**
 * Whether the focus fell back to the page (its control was removed or disabled). A focused control
 * just disabled still holds it for a while in Chromium, and keys do nothing there: lost too.
 */
export function isFocusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active.matches(':disabled');
}

/** After the DOM updates, focuses `next()` if the focus was lost (never takes it from elsewhere). */
export async function keepFocusOn(next: () => HTMLElement | null | undefined): Promise<void> {
  await tick();
  if (isFocusLost()) next()?.focus();
}

/**
 * ← → (↑ ↓ too) between the buttons of a segmented group (Format GIF / WebP / APNG, Edges Raw /
 * Fast / Best, a language): the focus moves to the next enabled one, round at the ends; nothing is
 * pressed on the way (Space or Enter presses). Each button stays a Tab stop. The arrows did nothing
 * there (a review). Returns whether it moved the focus (the key is then the group's).
 */
export function moveInSegmentedGroup(e: KeyboardEvent): boolean {
  const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
  if (step === 0 || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return false;
  const button = e.target instanceof HTMLButtonElement ? e.target : null;
  const group = button?.parentElement?.closest('.segmented');
  if (!button || !group || button.parentElement !== group) return false;
  const buttons = [...group.children].filter((el): el is HTMLButtonElement => el instanceof HTMLButtonElement && !el.disabled && el.getClientRects().length > 0);
  const at = buttons.indexOf(button);
  if (at < 0 || buttons.length < 2) return false;
  buttons[(at + step + buttons.length) % buttons.length].focus();
  e.preventDefault();
  return true;
}
