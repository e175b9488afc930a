// What the app, the server and the engine say alike of the models a task can use: whether a model's
// state runs, which tasks have none that does, and each task in words. Pure; shared.
import type { ModelInfo } from './api';

/** Whether a model in this state runs: checked, or there with no sha256 pinned to check it by. */
export function isUsableState(state: ModelInfo['state']): boolean {
  return state === 'ok' || state === 'unpinned';
}

/** The tasks none of whose models can be used (each missing, damaged or unreadable), in the models' order. */
export function unusableTasks(models: readonly ModelInfo[]): ModelInfo['task'][] {
  return [...new Set(models.map((m) => m.task))].filter((task) => !models.some((m) => m.task === task && isUsableState(m.state)));
}

/** What each model task does, as the engine's and the server's English sentences name it (the UI's words are its tables'). */
export const TASK_WORDS: Record<ModelInfo['task'], string> = {
  'person-mask': 'cutting out people',
  'anime-mask': 'cutting out anime characters and stickers',
  'face-detect': 'ID photos (face detection)',
  'face-landmarks': 'ID photos (face landmarks)',
};
