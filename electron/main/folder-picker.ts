// The native folder picker behind dialog:pick-folder (headless hosts answer null).
import type { BrowserWindow, Dialog, OpenDialogOptions } from 'electron';

type DialogPort = Pick<Dialog, 'showOpenDialog'>;

export function createFolderPicker(dialog: DialogPort, getWindow: () => BrowserWindow | null) {
  return async (): Promise<{ path: string | null }> => {
    const options: OpenDialogOptions = {
      title: 'Choose the folder your recorder saves calls in',
      properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
    };
    const win = getWindow();
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
  };
}
