// Preload (sandboxed, CommonJS bundle): exposes window.api = buildBridge(...) through the
// context bridge, and nothing else. Loaded by the renderer process before the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildBridge } from './bridge';

contextBridge.exposeInMainWorld('api', buildBridge(ipcRenderer, (file) => webUtils.getPathForFile(file as File)));
