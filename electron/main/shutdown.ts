// Quitting waits for the core to stop: in-flight steps finish or are recorded for resume, and the
// outbox is closed cleanly. A stop that hangs cannot keep the app open for ever: after the time
// limit the app exits anyway, which the outbox survives (WAL) and the engine resumes from.
import type { App } from 'electron';
import type { Logger } from '../core/logger.js';

export interface ShutdownHandle {
  isQuitting(): boolean;
}

export function setupShutdown(deps: {
  app: Pick<App, 'on' | 'quit' | 'exit'>;
  stopCore: () => Promise<void>;
  logger: Logger;
  timeoutMs?: number;
  onStopped?: () => void;
  processLike?: Pick<NodeJS.Process, 'on'>;
}): ShutdownHandle {
  let quitting = false;
  let stopped = false;
  let stopping: Promise<void> | null = null;
  const timeoutMs = deps.timeoutMs ?? 20_000;

  const stopOnce = () => {
    stopping ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const outcome = await Promise.race([deps.stopCore().then(() => 'stopped' as const), limit]);
        if (outcome === 'timeout') deps.logger.warn({ timeoutMs }, 'the core did not stop in time; quitting anyway');
        else deps.logger.info('core stopped');
      } catch (error) {
        deps.logger.error({ err: error }, 'the core failed while stopping');
      } finally {
        clearTimeout(timer);
        stopped = true;
        deps.onStopped?.();
      }
    })();
    return stopping;
  };

  deps.app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    event.preventDefault();
    void stopOnce().then(() => deps.app.quit());
  });
  // The window hides on close; with no window left the app stays in the tray, so this is a no-op.
  deps.app.on('window-all-closed', () => {});

  const proc = deps.processLike ?? process;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    proc.on(signal, () => {
      quitting = true;
      deps.app.quit();
    });
  }

  return { isQuitting: () => quitting };
}
