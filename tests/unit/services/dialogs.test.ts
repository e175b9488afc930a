// The desktop's native dialogs (services/dialogs.ts) with Electron's dialog module stood in for:
// the options each is opened with.
import { describe, expect, it, vi } from 'vitest';

const shown: { kind: string; options: Record<string, unknown> }[] = [];
vi.mock('electron', () => ({
  BrowserWindow: class {},
  ClipboardItem: class {},
  clipboard: {},
  nativeImage: {},
  shell: {},
  dialog: {
    showSaveDialog: async (options: Record<string, unknown>) => (shown.push({ kind: 'save', options }), { canceled: false, filePath: '/home/me/out/p_cutout.png' }),
    showOpenDialog: async (options: Record<string, unknown>) => (shown.push({ kind: 'open', options }), { canceled: false, filePaths: ['/home/me/p.jpg'] }),
  },
}));

describe('desktop dialogs', () => {
  it('the save dialog asks before replacing a file on Linux too (GTK replaced an earlier export unasked), and may make a folder', async () => {
    const { createDesktopPlatformServices } = await import('../../../src/main/services/dialogs');
    const services = createDesktopPlatformServices(() => null);
    expect(await services.chooseSaveTarget({ defaultName: 'p_cutout.png', defaultDir: '/home/me/out' })).toBe('/home/me/out/p_cutout.png');
    expect(shown.at(-1)).toEqual({ kind: 'save', options: { title: undefined, defaultPath: '/home/me/out/p_cutout.png', properties: ['showOverwriteConfirmation', 'createDirectory'] } });
  });
});
