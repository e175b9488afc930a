// Gathers the files the OS hands over one event at a time into one opening (main process; plain
// Node, no electron): macOS sends an `open-file` event per file for "Open With" on several, and
// Windows starts a second instance per file selected in Explorer. Each was its own `filesOpened`,
// and the page kept the last (Batch listed one of five pictures; Cut-out opened them in turn).

/**
 * A function taking paths as they come; `deliver` gets them all, in order and each once, `waitMs`
 * after the last call. A call with no paths (a launch without files) still delivers (it brings the
 * window up).
 */
export function pathBatcher(deliver: (paths: string[]) => void, waitMs = 150): (paths: string[]) => void {
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (paths) => {
    pending.push(...paths);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const batch = [...new Set(pending)];
      pending = [];
      deliver(batch);
    }, waitMs);
  };
}
