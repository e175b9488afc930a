// Binds every AppApi method to ipcMain.handle('app:'+name), looping over API_METHODS (channel
// strings are never hand-typed). Refuses senders that are not our windows' top frames; replies
// with Result envelopes (exceptions never cross IPC). Main process (electron).
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, methodChannel, type AppApi } from '../../shared/api';
import { AppError, toWire, type Result } from '../../shared/errors';
import { callApi } from '../engine/api/index';

/** True when an IPC message comes from the main frame of one of our windows, showing our page. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** The default sender check: a BrowserWindow of ours, its top frame, and an allowed URL. */
export function createSenderCheck(isAllowedUrl: (url: string) => boolean): SenderCheck {
  return (event) => {
    const win = BrowserWindow.fromWebContents(event.sender);
    const frame = event.senderFrame;
    return !!win && !!frame && frame === event.sender.mainFrame && isAllowedUrl(frame.url);
  };
}

/** Registers the handlers; returns a function that removes them. */
export function registerApi(impl: AppApi, isTrustedSender: SenderCheck, log: (message: string) => void): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(methodChannel(method), async (event, arg: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) {
        log(`Refused IPC ${method} from an unexpected sender (${event.senderFrame?.url ?? 'unknown frame'})`);
        return { ok: false, error: toWire(new AppError('UNAUTHORIZED', 'This page may not call the app')) };
      }
      return callApi(impl, method, arg, log);
    });
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(methodChannel(method));
  };
}
