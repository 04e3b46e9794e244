// Checkpoints the outbox WAL on a schedule. SQLite checkpoints by itself only once the WAL holds
// 1000 pages; until then every job's latest state lives only in the WAL, and a cut or lost WAL
// takes it along. A passive checkpoint every half minute bounds what the WAL alone holds (it never
// waits for readers, so it cannot stall a delivery); close() checkpoints fully at shutdown.
import type { Logger } from '../logger.js';

export interface CheckpointSchedule {
  stop(): void;
}

export function startCheckpointSchedule(options: {
  checkpoint(): boolean;
  logger: Logger;
  everyMs?: number;
}): CheckpointSchedule {
  const log = options.logger.child({ module: 'checkpoint' });
  let warned = false;
  const timer = setInterval(() => {
    try {
      options.checkpoint();
      warned = false;
    } catch (error) {
      // Disk full or a read-only folder: the WAL still holds everything; say it once per spell.
      if (!warned) log.warn({ err: error }, 'could not checkpoint the outbox WAL; will try again');
      warned = true;
    }
  }, options.everyMs ?? 30_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
