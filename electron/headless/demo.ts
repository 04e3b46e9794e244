// The demo setup shared by `callrelay serve --demo` and the desktop app's CALLRELAY_DEMO=1: the
// built-in sandbox (every platform emulated) and two watched folders in the data folder.
import fs from 'node:fs';
import path from 'node:path';
import { Config } from '../../shared/config.js';
import { startSandbox, type Sandbox } from './sandbox/sandbox.js';

export interface Demo {
  sandbox: Sandbox;
  initialConfig: Config;
  /** Delivered to comswise without any question. */
  recordings: string;
  /** Delivered to CX, which needs a customer name no file carries: these wait in Review. */
  recordingsForReview: string;
  close(): Promise<void>;
}

export async function startDemo(dataDir: string): Promise<Demo> {
  const recordings = path.join(dataDir, 'recordings');
  const recordingsForReview = path.join(dataDir, 'recordings-cx');
  fs.mkdirSync(recordings, { recursive: true });
  fs.mkdirSync(recordingsForReview, { recursive: true });
  const sandbox = await startSandbox({ dataDir: path.join(dataDir, 'sandbox') });
  const initialConfig = Config.parse({
    destinations: sandbox.destinationConfigs(),
    folders: [
      {
        path: recordings,
        destination: 'comswise',
        // FreePBX names (in-<DID>-<caller>-YYYYMMDD-HHMMSS-<id>.wav) give both numbers and the
        // start time. comswise threads calls by groupingId, or by from/to when there is none, so
        // a recording whose name carries no numbers joins one demo thread instead of waiting.
        template: 'freepbx',
        region: 'US',
        defaults: { groupingId: 'callrelay-demo' },
        quietPeriodMs: 1000,
        recursive: false,
      },
      { path: recordingsForReview, destination: 'cx', region: 'US', quietPeriodMs: 1000, recursive: false },
    ],
  });
  return { sandbox, initialConfig, recordings, recordingsForReview, close: () => sandbox.close() };
}
