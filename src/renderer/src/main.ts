// Renderer entry: picks the API client (preload's IPC bridge in Electron, the web transport in a
// browser), builds the app state and mounts the Svelte app. Loaded by the renderer only.
import { mount } from 'svelte';
import type { PreloadBridge } from '../../shared/api';
import { createIpcClient, createWebClient, type ApiClient, type FileLike } from '../../shared/api-client';
import App from './App.svelte';
import { AppState } from './lib/state/app.svelte';
import { readStored, writeStored } from './lib/storage';
import './app.css';

function pickFilesInBrowser(req: { accept: string; multiple: boolean; folder?: boolean }): Promise<FileLike[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = req.accept;
    input.multiple = req.multiple;
    // The browser's folder picker: every file in the folder and its subfolders.
    input.webkitdirectory = req.folder === true;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve(Array.from(input.files ?? []));
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve([]);
      input.remove();
    });
    document.body.append(input);
    input.click();
  });
}

function downloadInBrowser(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The browser has taken the bytes by then (a download starts from the click).
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Where a page of `cutout serve` keeps its session token: this origin's storage (its port's alone). */
const TOKEN_KEY = 'cutout.serveToken';

/**
 * The session token of `cutout serve`: the printed address's (kept for this origin, and taken out of
 * the address bar), else the one kept (a reload, another tab). A cookie carried it before, which a
 * browser sends to every port of 127.0.0.1: another server there read it.
 */
function sessionToken(): string | undefined {
  const params = new URLSearchParams(location.search);
  const given = params.get('token');
  if (given) {
    // (Storage refused, a private window's limits: this page still has it.)
    writeStored(TOKEN_KEY, given);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    return given;
  }
  return readStored(TOKEN_KEY) ?? undefined;
}

function createClient(): ApiClient {
  const bridge = (window as unknown as { api?: PreloadBridge }).api;
  if (bridge) return createIpcClient(bridge);
  return createWebClient({ baseUrl: location.origin, token: sessionToken(), pickFiles: pickFilesInBrowser, download: downloadInBrowser });
}

const dark = window.matchMedia('(prefers-color-scheme: dark)');
const app = new AppState(createClient(), {
  languages: navigator.languages?.length ? navigator.languages : [navigator.language],
  isDark: dark.matches,
  isMac: /Mac|iPhone|iPad/.test(navigator.platform),
});
dark.addEventListener('change', (e) => (app.isSystemDark = e.matches));

mount(App, { target: document.getElementById('app')!, props: { app } });
void app.init();
