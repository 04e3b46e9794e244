// CALLRELAY_DEMO=1: the desktop app runs the same demo as `callrelay serve --demo` (built-in
// sandbox, watched folders in the data folder). Used by the Electron end-to-end test and to try
// the app without any account.
import { startDemo } from '../headless/demo.js';
import type { Config } from '../../shared/config.js';

export async function startDesktopDemo(dataDir: string): Promise<{
  initialConfig: Config;
  recordings: string;
  close(): Promise<void>;
}> {
  const demo = await startDemo(dataDir);
  return { initialConfig: demo.initialConfig, recordings: demo.recordings, close: demo.close };
}
