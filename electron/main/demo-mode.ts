// CALLRELAY_DEMO=1: the desktop app runs against the built-in sandbox (emulated platforms) and
// watches DATA/recordings, like `callrelay serve --demo`. Used by the Electron end-to-end test
// and to try the app without any account.
import fs from 'node:fs';
import path from 'node:path';
import { Config } from '../../shared/config.js';
import { startSandbox } from '../headless/sandbox/sandbox.js';

export async function startDesktopDemo(dataDir: string): Promise<{
  initialConfig: Config;
  recordings: string;
  close(): Promise<void>;
}> {
  const recordings = path.join(dataDir, 'recordings');
  fs.mkdirSync(recordings, { recursive: true });
  const sandbox = await startSandbox({ dataDir: path.join(dataDir, 'sandbox') });
  const initialConfig = Config.parse({
    destinations: sandbox.destinationConfigs(),
    // FreePBX names carry both numbers, so a file such as
    // in-15550000002-15550000001-20240228-103000-1709116200.1.wav is delivered without review;
    // any other name waits in Review for the numbers, which shows that flow too.
    folders: [
      {
        path: recordings,
        destination: 'comswise',
        template: 'freepbx',
        region: 'US',
        quietPeriodMs: 1000,
        recursive: false,
      },
    ],
  });
  return { initialConfig, recordings, close: () => sandbox.close() };
}
