// `cutout serve`: runs the app in a browser: the built renderer and the AppApi contract over
// HTTP + WebSocket on 127.0.0.1 with a session token. Node only (never electron).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../../shared/errors';
import { startServeApp } from '../../server/serve-app';
import { projectResourcesDir } from '../cli-env';
import { type CliCommand, intFlag } from '../command';

function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : process.platform === 'darwin' ? ['open', [url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

/**
 * The port `cutout serve` runs on unless told: fixed, because a browser keeps a page's storage per
 * origin, and a fresh port each start lost the chosen ID photo size, favourites and sticker preferences.
 */
export const DEFAULT_SERVE_PORT = 47615;

/** `cutout serve`. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the app in a browser (127.0.0.1 only, session token)',
  usage: `cutout serve [--port N] [--open] [--renderer DIR] [--exports DIR]
  Serves the built renderer (npx electron-vite build -> out/renderer) and the app API. Open the printed address.
  --port: default ${DEFAULT_SERVE_PORT}, the same each time, so the page keeps what it remembers (the workspace,
  the chosen ID photo size, favourites, sticker preferences); another free one when it is taken. A port given
  that is taken is an error. 0 picks any free port.
  --exports: where exports and batch outputs are written (default CUTOUT_EXPORTS_DIR, else ~/Cutout Studio);
  they stay there when the server stops.`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, open: { type: 'boolean', default: false }, renderer: { type: 'string' }, exports: { type: 'string' } },
    });
    const port = intFlag(values.port, 'port', DEFAULT_SERVE_PORT, { min: 0, max: 65535 })!;
    const resourcesDir = projectResourcesDir();
    const root = join(resourcesDir, '..');
    const rendererDir = values.renderer ?? join(root, 'out', 'renderer');
    if (!existsSync(join(rendererDir, 'index.html'))) {
      throw new AppError('INPUT_NOT_FOUND', `No built renderer in ${rendererDir}; run \`npx electron-vite build\` first (or pass --renderer DIR)`);
    }
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const app = await startServeApp({ resourcesDir, rendererDir, port, isPortFallback: values.port === undefined, version, log: io.err, exportsDir: values.exports });
    io.out(`Cutout Studio is running at ${app.server.url}`);
    io.out(`Exports and batch outputs are saved in ${app.exportsDir} (kept when the server stops).`);
    io.out('Press Ctrl+C to stop.');
    if (values.open) openInBrowser(app.server.url);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await app.close();
    return 0;
  },
};
