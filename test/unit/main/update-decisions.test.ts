// Update decisions with electron-updater's events injected: a stand-in updater that records what
// it is asked to do, driven by the events the real autoUpdater emits, in their order.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../electron/core/logger.js';
import {
  createUpdateController,
  rolloutBucket,
  type EffectiveUpdates,
  type UpdaterLike,
} from '../../../electron/main/update-decisions.js';

class FakeUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  channel: string | null = null;
  calls: string[] = [];
  setFeedURL(options: { url: string; channel?: string }) {
    this.calls.push(`feed ${options.url} ${options.channel ?? ''}`.trim());
  }
  checkForUpdates() {
    this.calls.push('check');
    return Promise.resolve(null);
  }
  downloadUpdate() {
    this.calls.push('download');
    return Promise.resolve([]);
  }
  quitAndInstall(isSilent?: boolean) {
    this.calls.push(`install silent=${isSilent}`);
  }
}

function setup(policy: EffectiveUpdates, machineId = 'machine-a') {
  const updater = new FakeUpdater();
  let running = false;
  let current = policy;
  const controller = createUpdateController({
    updater: updater as unknown as UpdaterLike,
    policy: () => current,
    machineId,
    transfersRunning: () => running,
    logger: createSilentLogger(),
    setInterval: () => ({}),
    clearInterval: () => {},
  });
  controller.applyPolicy();
  return {
    updater,
    controller,
    setRunning: (value: boolean) => (running = value),
    setPolicy: (p: EffectiveUpdates) => {
      current = p;
      controller.applyPolicy();
    },
  };
}

const URL = 'https://updates.example.com/callrelay';
/** Machine ids on either side of a 50% rollout. */
const inside = ['m-0', 'm-1', 'm-2', 'm-3', 'm-4', 'm-5'].find((id) => rolloutBucket(id) < 50)!;
const outside = ['m-0', 'm-1', 'm-2', 'm-3', 'm-4', 'm-5'].find((id) => rolloutBucket(id) >= 50)!;

describe('update decisions', () => {
  it('leaves downloading and installing to its own decisions', () => {
    const { updater } = setup({ mode: 'auto', url: URL });
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
  });

  it('off by policy: no feed, no check, no download even if an event arrives', () => {
    const { updater, controller } = setup({ mode: 'off', url: URL });
    updater.emit('update-available', { version: '2.0.0' });
    expect(updater.calls).toEqual([]);
    expect(controller.about()).toMatchObject({ mode: 'off', note: 'Updates are turned off by your organisation.' });
  });

  it('uses the generic server and channel the policy sets', () => {
    const { updater, controller } = setup({ mode: 'auto', url: URL, channel: 'beta' });
    expect(updater.calls).toEqual([`feed ${URL} beta`, 'check']);
    expect(updater.channel).toBe('beta');
    expect(controller.about().channel).toBe('beta');
  });

  it('no update is installed while a recording is being sent; it is once the transfers end', () => {
    const { updater, controller, setRunning } = setup({ mode: 'auto', url: URL });
    setRunning(true);
    updater.emit('update-available', { version: '2.0.0' });
    updater.emit('update-downloaded', { version: '2.0.0' });
    expect(updater.calls).toContain('download');
    expect(updater.calls.some((c) => c.startsWith('install'))).toBe(false);
    expect(controller.about()).toMatchObject({ waiting: '2.0.0' });
    expect(controller.about().note).toContain('when no recording is being sent');
    controller.transfersIdle(); // still running: the engine says idle only when it is
    expect(updater.calls.some((c) => c.startsWith('install'))).toBe(false);
    setRunning(false);
    controller.transfersIdle();
    expect(updater.calls.at(-1)).toBe('install silent=true');
  });

  it('installs at once when nothing is being sent', () => {
    const { updater } = setup({ mode: 'auto', url: URL });
    updater.emit('update-available', { version: '2.0.0' });
    updater.emit('update-downloaded', { version: '2.0.0' });
    expect(updater.calls.at(-1)).toBe('install silent=true');
  });

  it('respects the staged percentage: a machine outside it does not download', () => {
    const out = setup({ mode: 'auto', url: URL, stagedPercentage: 50 }, outside);
    out.updater.emit('update-available', { version: '2.0.0' });
    expect(out.updater.calls).not.toContain('download');
    expect(out.controller.about().note).toContain('50% of machines');

    const inn = setup({ mode: 'auto', url: URL, stagedPercentage: 50 }, inside);
    inn.updater.emit('update-available', { version: '2.0.0' });
    expect(inn.updater.calls).toContain('download');
  });

  it('staged 0% reaches no machine, 100% every machine', () => {
    for (const id of [inside, outside]) {
      const none = setup({ mode: 'auto', url: URL, stagedPercentage: 0 }, id);
      none.updater.emit('update-available', { version: '2.0.0' });
      expect(none.updater.calls).not.toContain('download');
      const all = setup({ mode: 'auto', url: URL, stagedPercentage: 100 }, id);
      all.updater.emit('update-available', { version: '2.0.0' });
      expect(all.updater.calls).toContain('download');
    }
  });

  it('a policy turning updates off stops a waiting update from being installed', () => {
    const { updater, controller, setRunning, setPolicy } = setup({ mode: 'auto', url: URL });
    setRunning(true);
    updater.emit('update-available', { version: '2.0.0' });
    updater.emit('update-downloaded', { version: '2.0.0' });
    setPolicy({ mode: 'off', url: URL });
    setRunning(false);
    controller.transfersIdle();
    expect(updater.calls.some((c) => c.startsWith('install'))).toBe(false);
  });

  it('the rollout bucket is stable per machine and spread over 0–100', () => {
    expect(rolloutBucket('machine-a')).toBe(rolloutBucket('machine-a'));
    const buckets = Array.from({ length: 1000 }, (_, i) => rolloutBucket(`m-${i}`));
    const share = buckets.filter((b) => b < 20).length / buckets.length;
    expect(share).toBeGreaterThan(0.14);
    expect(share).toBeLessThan(0.26);
  });
});
