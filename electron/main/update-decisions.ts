// When the desktop app takes an update. electron-updater does the fetching, verifying and
// installing from a generic update server; this decides whether and when, from the machine's
// policy: updates off, which channel, a staged percentage (only that share of machines takes a new
// version), and never installing while a recording is being sent: the installer restarts the app.
// Pure: the updater (electron-updater's autoUpdater) and everything else come in as parameters.
import { createHash } from 'node:crypto';
import type { AppAbout } from '../../shared/contract.js';
import type { UpdatePolicy } from '../core/config/managed-policy.js';
import type { Logger } from '../core/logger.js';

/** The part of electron-updater's AppUpdater this uses (its real events and methods). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  channel: string | null;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-not-available', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type EffectiveUpdates = UpdatePolicy & { mode: 'off' | 'auto' };

export interface UpdateController {
  /** What Settings → About shows. */
  about(): NonNullable<AppAbout['update']>;
  /** Applies the policy as it is now (at start and after every policy change). */
  applyPolicy(): void;
  /** Call when the last transfer has finished: a waiting update is installed then. */
  transfersIdle(): void;
  stop(): void;
}

/**
 * Where this machine falls in a staged rollout, 0 ≤ x < 100, stable for the machine: a rollout
 * at 20% reaches the same fifth of machines every time it is checked.
 */
export function rolloutBucket(machineId: string): number {
  return (createHash('sha256').update(`callrelay-rollout:${machineId}`).digest().readUInt32BE(0) / 2 ** 32) * 100;
}

export function createUpdateController(deps: {
  updater: UpdaterLike;
  policy: () => EffectiveUpdates;
  /** A stable id of this machine (or install). */
  machineId: string;
  /** True while any recording is being sent. */
  transfersRunning: () => boolean;
  logger: Logger;
  checkEveryMs?: number;
  setInterval?: (fn: () => void, ms: number) => { unref?: () => void };
  clearInterval?: (timer: unknown) => void;
}): UpdateController {
  const { updater, logger } = deps;
  const every = deps.checkEveryMs ?? 4 * 60 * 60_000;
  const schedule = deps.setInterval ?? setInterval;
  const unschedule = deps.clearInterval ?? ((t: unknown) => clearInterval(t as NodeJS.Timeout));
  let timer: unknown = null;
  let feedKey = '';
  let waiting: string | null = null;
  let note: string | null = null;
  let installing = false;

  // We decide when to download and when to install; electron-updater must not do either alone.
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowDowngrade = false;

  const current = () => deps.policy();

  function check(): void {
    if (current().mode === 'off') return;
    updater.checkForUpdates().catch((error: unknown) => {
      note = `Could not check for updates: ${(error as Error).message}`;
      logger.warn({ err: error }, 'update check failed');
    });
  }

  function installIfIdle(): void {
    if (!waiting || installing || current().mode === 'off') return;
    if (deps.transfersRunning()) {
      note = `Version ${waiting} is ready and will be installed when no recording is being sent.`;
      return;
    }
    installing = true;
    note = `Installing version ${waiting}…`;
    logger.info({ version: waiting }, 'installing update');
    updater.quitAndInstall(true, true);
  }

  updater.on('update-available', (info) => {
    const { stagedPercentage } = current();
    if (current().mode === 'off') return;
    if (stagedPercentage !== undefined && rolloutBucket(deps.machineId) >= stagedPercentage) {
      note = `Version ${info.version} is being rolled out to ${stagedPercentage}% of machines; this one is not among them yet.`;
      logger.info({ version: info.version, stagedPercentage }, 'update not taken: outside the staged rollout');
      return;
    }
    note = `Downloading version ${info.version}…`;
    updater.downloadUpdate().catch((error: unknown) => {
      note = `Could not download version ${info.version}: ${(error as Error).message}`;
      logger.warn({ err: error }, 'update download failed');
    });
  });
  updater.on('update-not-available', () => {
    if (!waiting) note = null;
  });
  updater.on('update-downloaded', (info) => {
    waiting = info.version;
    installIfIdle();
  });
  updater.on('error', (error) => {
    note = `Updates: ${error.message}`;
    logger.warn({ err: error }, 'updater error');
  });

  function applyPolicy(): void {
    const policy = current();
    if (policy.mode === 'off' || !policy.url) {
      if (timer) unschedule(timer);
      timer = null;
      feedKey = '';
      note = policy.url ? 'Updates are turned off by your organisation.' : 'No update server is set.';
      return;
    }
    const key = `${policy.url}|${policy.channel ?? ''}`;
    if (key !== feedKey) {
      feedKey = key;
      updater.setFeedURL({
        provider: 'generic',
        url: policy.url,
        ...(policy.channel ? { channel: policy.channel } : {}),
      });
      if (policy.channel) updater.channel = policy.channel;
      note = null;
    }
    if (!timer) {
      timer = schedule(check, every);
      (timer as { unref?: () => void }).unref?.();
    }
    check();
  }

  return {
    about: () => ({ mode: current().mode, channel: current().channel ?? null, waiting, note }),
    applyPolicy,
    transfersIdle: installIfIdle,
    stop() {
      if (timer) unschedule(timer);
      timer = null;
    },
  };
}
