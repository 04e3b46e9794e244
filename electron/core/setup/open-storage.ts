// The outbox and its progress witness (docs/ARCHITECTURE.md, "a forgotten create is found, not
// repeated"), opened together or not at all.
import { outboxFile } from '../config/default-paths.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { openOutbox, type Outbox } from '../outbox/outbox.js';
import { createRecoveryGuard, type RecoveryGuard } from '../outbox/outbox-recovery.js';
import { openProgressWitness, witnessFileFor } from '../outbox/progress-witness.js';

export interface Storage {
  dbFile: string;
  outbox: Outbox;
  recovery: RecoveryGuard;
  close(): void;
}

export function openStorage(options: { dataDir: string; clock: Clock; logger: Logger }): Storage {
  const { clock } = options;
  const logger = options.logger.child({ part: 'outbox' });
  const dbFile = outboxFile(options.dataDir);
  const outbox = openOutbox({ file: dbFile, clock, logger });
  let witness: ReturnType<typeof openProgressWitness>;
  try {
    witness = openProgressWitness(witnessFileFor(dbFile));
  } catch (error) {
    outbox.close();
    throw error;
  }
  const recovery = createRecoveryGuard({
    lostCreates: (entries) => outbox.lostCreates(entries),
    witness,
    clock,
    logger,
    getMeta: (key) => outbox.getMeta(key),
    setMeta: (key, value) => outbox.setMeta(key, value),
  });
  return {
    dbFile,
    outbox,
    recovery,
    close() {
      witness.close();
      outbox.close();
    },
  };
}
