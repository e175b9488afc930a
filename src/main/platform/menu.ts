// The application menu: standard roles only (edit commands for text fields, window, zoom), no
// reload or developer tools in a packaged build. The page's own shortcuts handle open, export,
// undo/redo on the canvas. Main process (electron).
import { app, Menu, type MenuItemConstructorOptions } from 'electron';

/** Installs the menu; `isDev` keeps reload and developer tools for development. */
export function installAppMenu(isDev: boolean): void {
  const isMac = process.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (isDev) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ label: app.name, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
