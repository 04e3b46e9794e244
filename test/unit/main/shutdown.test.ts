import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { App } from 'electron';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { setupShutdown } from '../../../electron/main/shutdown.js';
import { FakeApp } from './electron-mock.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('shutdown', () => {
  it('holds the quit until the core has stopped, then quits', async () => {
    const app = new FakeApp();
    const stop = deferred();
    const stopCore = vi.fn(() => stop.promise);
    const handle = setupShutdown({
      app: app as unknown as App,
      stopCore,
      logger: createSilentLogger(),
      processLike: new EventEmitter() as unknown as NodeJS.Process,
    });
    expect(handle.isQuitting()).toBe(false);
    app.quit();
    expect(handle.isQuitting()).toBe(true);
    expect(app.quitted).toBe(false);
    expect(stopCore).toHaveBeenCalledTimes(1);
    app.quit(); // a second request while stopping does not stop twice
    expect(stopCore).toHaveBeenCalledTimes(1);
    stop.resolve();
    await vi.waitFor(() => expect(app.quitted).toBe(true));
  });

  it('quits anyway when the core does not stop in time', async () => {
    const app = new FakeApp();
    const onStopped = vi.fn();
    setupShutdown({
      app: app as unknown as App,
      stopCore: () => new Promise(() => {}),
      logger: createSilentLogger(),
      timeoutMs: 20,
      onStopped,
      processLike: new EventEmitter() as unknown as NodeJS.Process,
    });
    app.quit();
    await vi.waitFor(() => expect(app.quitted).toBe(true), { timeout: 5000 });
    expect(onStopped).toHaveBeenCalled();
  });

  it('turns SIGTERM into a clean quit', async () => {
    const app = new FakeApp();
    const proc = new EventEmitter();
    const stopCore = vi.fn(async () => {});
    setupShutdown({
      app: app as unknown as App,
      stopCore,
      logger: createSilentLogger(),
      processLike: proc as unknown as NodeJS.Process,
    });
    proc.emit('SIGTERM');
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(stopCore).toHaveBeenCalledTimes(1);
  });
});
