// The ID-photo workspace's live preview (rune class, renderer): every change of portrait, spec,
// background, nudge or sheet asks the engine for a new preview: at once after a quiet spell (a
// click on a colour or a size), after a short pause when changes follow closely (a slider dragged);
// answers to older requests are dropped, so the photo on screen always matches the controls.
import { untrack } from 'svelte';
import type { ApiClient } from '../../../../shared/api-client';
import type { IdPhotoPreview, IdPhotoPreviewRequest } from '../../../../shared/api';

/** Why the last preview could not be made: the error's code, message and detail (faces count/boxes, sides), and of which photo. */
export interface PreviewFailure {
  path: string;
  code: string;
  message: string;
  detail?: unknown;
}

/** Waits `ms` then calls `fn`; the timer API is injectable so tests need no real waiting. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export class IdPhotoPreviewer {
  preview = $state.raw<IdPhotoPreview | null>(null);
  failure = $state.raw<PreviewFailure | null>(null);
  /** A request is waiting or running. */
  isBusy = $state(false);

  private seq = 0;
  private cancelTimer: (() => void) | null = null;
  /** When the last request came (the clock's ms). */
  private lastAskAt = -Infinity;

  constructor(
    private readonly client: Pick<ApiClient, 'previewIdPhoto'>,
    private readonly delayMs = 180,
    private readonly schedule: Schedule = realSchedule,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Asks for a preview of `req` after the pause (null clears); a newer call replaces a waiting one.
   * Called from an effect, it subscribes it to nothing of its own: it reads `failure`, which its
   * answer sets, and a refusal then asked again four times a second for as long as it showed.
   */
  request(req: IdPhotoPreviewRequest | null): void {
    untrack(() => this.ask(req));
  }

  private ask(req: IdPhotoPreviewRequest | null): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    const id = ++this.seq;
    if (!req) {
      this.preview = null;
      this.failure = null;
      this.isBusy = false;
      return;
    }
    // Another photo's request clears the last one's failure at once, not when its answer comes.
    if (this.failure && req.path !== this.failure.path) this.failure = null;
    // A change after a quiet spell, with nothing waiting or running, is asked for at once (a colour
    // placed on the kept matte comes back in about 50 ms: the pause was most of the wait); one
    // that follows closely waits for the pause, and only the last of a run of them is asked for.
    const at = this.now();
    const isQuiet = !this.isBusy && at - this.lastAskAt >= this.delayMs;
    this.lastAskAt = at;
    this.isBusy = true;
    if (isQuiet) {
      void this.run(id, req);
      return;
    }
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = null;
      void this.run(id, req);
    }, this.delayMs);
  }

  private async run(id: number, req: IdPhotoPreviewRequest): Promise<void> {
    try {
      const preview = await this.client.previewIdPhoto(req);
      if (id !== this.seq) return;
      this.preview = preview;
      this.failure = null;
    } catch (error) {
      if (id !== this.seq) return;
      const e = error as { code?: string; message?: string; detail?: unknown };
      this.preview = null;
      this.failure = { path: req.path, code: e.code ?? 'INTERNAL', message: e.message ?? String(error), detail: e.detail };
    } finally {
      if (id === this.seq) this.isBusy = false;
    }
  }
}
