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
