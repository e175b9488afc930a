// Progress reporting types for long core work (loaded by the engine, the CLI and tests).
import type { JobStage } from '../../shared/jobs';

/** One progress report: `done` of `total` units in `stage`; `detail` names the current item. */
export interface ProgressEvent {
  stage: JobStage;
  done: number;
  total: number;
  detail?: string;
}

/** Receives progress; must be cheap (callers may call it per frame or per tile). */
export type ProgressSink = (event: ProgressEvent) => void;

/** What every long core function takes last: an optional signal and progress sink. */
export interface RunContext {
  signal?: AbortSignal;
  onProgress?: ProgressSink;
}

/**
 * Wraps a sink so that it forwards at most one event per `intervalMs` per stage, always
 * forwarding the first and the final (done === total) event of a stage.
 */
export function throttleProgress(sink: ProgressSink, intervalMs = 100, now: () => number = Date.now): ProgressSink {
  const last = new Map<string, number>();
  return (event) => {
    const t = now();
    const prev = last.get(event.stage);
    const isFinal = event.done >= event.total;
    if (prev === undefined || isFinal || t - prev >= intervalMs) {
      last.set(event.stage, t);
      sink(event);
    }
  };
}
