// What `callrelay doctor` and `callrelay status` learn about an outbox without changing it: the
// database is opened read-only (no migration, no checkpoint, no WAL recovery written back), so a
// damaged or restored outbox is reported exactly as found, before anyone repairs anything.
import Database from 'better-sqlite3';
import {
  behindMessage,
  lostCreates,
  readRecoveryNotice,
  RECOVERY_META_KEY,
  type RecoveryStatus,
} from './outbox-recovery.js';
import { readWitness, witnessFileFor } from './progress-witness.js';

export interface OutboxInspection {
  /** Why the database cannot be used, or null. */
  problem: string | null;
  recovery: RecoveryStatus;
}

const none: RecoveryStatus = { behind: false, detectedAt: null, lost: 0, pending: 0, message: null };

export interface InspectOptions {
  /**
   * Run `quick_check`, which reads every page: right for `doctor`, too slow for `status` on a
   * large outbox (seconds at 100,000 jobs), which only reports counts and the witness comparison.
   */
  integrity?: boolean;
  now?: number;
}

export function inspectOutbox(file: string, options: InspectOptions = {}): OutboxInspection {
  const now = options.now ?? Date.now();
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { problem: `it cannot be opened (${(error as Error).message})`, recovery: none };
  }
  try {
    if (options.integrity !== false) {
      const check = String(db.pragma('quick_check', { simple: true }));
      if (check !== 'ok') return { problem: `quick_check reported: ${check.slice(0, 300)}`, recovery: none };
    }
    const hasJobs = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get();
    const lost = hasJobs
      ? lostCreates(db, readWitness(witnessFileFor(file))).length
      : readWitness(witnessFileFor(file)).length;
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    const row = hasMeta
      ? (db.prepare('SELECT value FROM meta WHERE key = ?').get(RECOVERY_META_KEY) as { value: string } | undefined)
      : undefined;
    const notice = readRecoveryNotice(row?.value ?? null);
    if (lost > 0) {
      const detectedAt = new Date(now).toISOString();
      return {
        problem: null,
        recovery: { behind: true, detectedAt, lost, pending: lost, message: behindMessage(lost, lost, detectedAt) },
      };
    }
    if (!notice) return { problem: null, recovery: none };
    return {
      problem: null,
      recovery: {
        behind: false,
        detectedAt: notice.detectedAt,
        lost: notice.lost,
        pending: 0,
        message: behindMessage(notice.lost, 0, notice.detectedAt),
      },
    };
  } catch (error) {
    return { problem: (error as Error).message, recovery: none };
  } finally {
    db.close();
  }
}
