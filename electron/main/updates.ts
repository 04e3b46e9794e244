// Wires electron-updater to the update decisions and the core: the policy's settings (re-read on
// every settings change, which a policy change also is) and the queue's running count.
// electron-updater is loaded only once a policy turns updates on: most machines never pay for it.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppAbout } from '../../shared/contract.js';
import type { Core } from '../core/create-core.js';
import type { Logger } from '../core/logger.js';
import { createUpdateController, type UpdateController, type UpdaterLike } from './update-decisions.js';

/** A random id kept in the data folder: where this install falls in a staged rollout. */
function installId(dataDir: string): string {
  const file = path.join(dataDir, 'install-id');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const id = randomUUID();
    fs.writeFileSync(file, `${id}\n`, { mode: 0o600 });
    return id;
  }
}

export interface Updates {
  about(): NonNullable<AppAbout['update']>;
  stop(): void;
}

export function setupUpdates(deps: {
  core: Core;
  dataDir: string;
  logger: Logger;
  loadUpdater?: () => Promise<UpdaterLike>;
}): Updates {
  const log = deps.logger.child({ part: 'updates' });
  const loadUpdater =
    deps.loadUpdater ?? (async () => (await import('electron-updater')).autoUpdater as unknown as UpdaterLike);
  let controller: UpdateController | null = null;
  let loading: Promise<void> | null = null;
  let running = 0;

  function apply(): void {
    if (controller) return controller.applyPolicy();
    if (deps.core.updatePolicy().mode === 'off' || loading) return;
    loading = loadUpdater()
      .then((updater) => {
        controller = createUpdateController({
          updater,
          policy: () => deps.core.updatePolicy(),
          machineId: installId(deps.dataDir),
          transfersRunning: () => running > 0,
          logger: log,
        });
        controller.applyPolicy();
      })
      .catch((error: unknown) => log.error({ err: error }, 'the updater could not be loaded'));
  }

  deps.core.on('queue:changed', ({ counts }) => {
    running = counts.running;
    if (running === 0) controller?.transfersIdle();
  });
  deps.core.on('settings:changed', apply);
  apply();

  return {
    about: () => {
      if (controller) return controller.about();
      const policy = deps.core.updatePolicy();
      return {
        mode: policy.mode,
        channel: policy.channel ?? null,
        waiting: null,
        note:
          policy.mode === 'off'
            ? policy.url
              ? 'Updates are turned off by your organisation.'
              : 'No update server is set.'
            : null,
      };
    },
    stop: () => controller?.stop(),
  };
}
