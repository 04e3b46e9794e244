// Compares the outbox with its progress witness and runs the recovery mode that follows. When the
// witness names creates the outbox does not remember (its WAL was cut, its -shm deleted, an old
// backup restored), those calls may already exist on the platform: every create then looks the
// call up first (comswise by callId, agent-calls by resending our call_id and adopting a 409), and
// a kind that cannot look up puts a call the witness saw leave into review instead of creating it
// blindly. The detection is loud: logged, kept in the outbox meta, shown in status, dashboard and
// doctor.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { CREATE_CALL_STEP, TUS_UPLOAD_STEP, sentMarker } from '../step-names.js';
import type { ProgressWitness, WitnessEntry } from './progress-witness.js';

/**
 * Of the call ids given, the jobs whose create the outbox knows about: committed, or at least
 * marked as sent. Only rows with a witnessed call id have their steps read (json_type on every
 * row's steps was 108 ms of a 300 ms `callrelay status` on 100,000 jobs).
 */
const KNOWN_CREATES_SQL = `SELECT destination, call_id AS callId FROM jobs
  WHERE call_id IN (SELECT value FROM json_each(?))
    AND (json_type(steps, '$."${CREATE_CALL_STEP}"') IS NOT NULL OR json_type(steps, '$."${sentMarker(CREATE_CALL_STEP)}"') IS NOT NULL
     OR json_type(steps, '$."${TUS_UPLOAD_STEP}"') IS NOT NULL)`;

export const RECOVERY_META_KEY = 'outbox.recovery';

const key = (destination: string, callId: string) => `${destination}\u0000${callId}`;

/** Witnessed creates the outbox does not remember. */
export function lostCreates(db: Database.Database, witnessed: WitnessEntry[]): WitnessEntry[] {
  if (witnessed.length === 0) return [];
  const callIds = JSON.stringify([...new Set(witnessed.map((e) => e.callId))]);
  const rows = db.prepare(KNOWN_CREATES_SQL).all(callIds) as { destination: string; callId: string }[];
  const known = new Set(rows.map((r) => key(r.destination, r.callId)));
  return witnessed.filter((e) => !known.has(key(e.destination, e.callId)));
}

export interface RecoveryNotice {
  detectedAt: string;
  /** Creates the witness had seen leave that the outbox no longer knew about, at detection. */
  lost: number;
}

export interface RecoveryStatus {
  /** True while some lost create is not yet accounted for again. */
  behind: boolean;
  detectedAt: string | null;
  lost: number;
  pending: number;
  message: string | null;
}

export function behindMessage(lost: number, pending: number, detectedAt: string): string {
  const what =
    `the outbox is behind its progress witness: ${lost} create request${lost === 1 ? '' : 's'} had reached the ` +
    'platforms but the outbox no longer recorded them (its WAL was cut or lost, or an older backup was restored). ';
  const now =
    pending > 0
      ? `${pending} still to account for: every delivery now looks its call up before creating it, and calls on ` +
        'platforms that cannot look calls up wait in review for a person to check.'
      : 'All of them are accounted for again; no call was created twice.';
  return `Since ${detectedAt}, ${what}${now}`;
}

export function readRecoveryNotice(value: string | null): RecoveryNotice | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as RecoveryNotice;
    return typeof parsed.detectedAt === 'string' && typeof parsed.lost === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

/** What an engine uses around every create of one destination's call. */
export interface RecoveryGuard {
  /** Recovery mode: the outbox was found behind its witness in this run. */
  recovering(): boolean;
  wasSent(destination: string, callId: string): boolean;
  recordSent(destination: string, callId: string, jobId: string, ref?: string): void;
  refOf(destination: string, callId: string): string | null;
  retract(destination: string, callId: string): void;
  /** The outbox holds this create's outcome or sent marker again. */
  accounted(destination: string, callId: string): void;
  status(): RecoveryStatus;
}

export interface RecoveryGuardOptions {
  /** The outbox's answer to "which of these creates do you not remember?". */
  lostCreates(witnessed: WitnessEntry[]): WitnessEntry[];
  witness: ProgressWitness;
  clock: Clock;
  logger: Logger;
  getMeta(key: string): string | null;
  setMeta(key: string, value: string | null): void;
}

export function createRecoveryGuard(options: RecoveryGuardOptions): RecoveryGuard {
  const { witness, clock } = options;
  const log = options.logger.child({ module: 'outbox-recovery' });
  const lost = options.lostCreates(witness.entries());
  const pending = new Set(lost.map((e) => key(e.destination, e.callId)));
  let notice = readRecoveryNotice(options.getMeta(RECOVERY_META_KEY));
  const recovering = lost.length > 0;
  if (recovering) {
    // A fresh detection replaces an older, settled one: the count is what this open found.
    notice = { detectedAt: new Date(clock.now()).toISOString(), lost: lost.length };
    options.setMeta(RECOVERY_META_KEY, JSON.stringify(notice));
    log.error(
      { lost: lost.length, sample: lost.slice(0, 5).map((e) => `${e.destination}:${e.callId}`) },
      behindMessage(lost.length, lost.length, notice.detectedAt),
    );
  }
  return {
    recovering: () => recovering,
    wasSent: (destination, callId) => witness.wasSent(destination, callId),
    recordSent: (destination, callId, jobId, ref) =>
      witness.recordSent({ destination, callId, jobId, at: clock.now(), ...(ref ? { ref } : {}) }),
    refOf: (destination, callId) => witness.refOf(destination, callId),
    retract: (destination, callId) => witness.retract(destination, callId),
    accounted(destination, callId) {
      if (pending.delete(key(destination, callId)) && pending.size === 0) {
        log.warn({ lost: lost.length }, 'every create the outbox had lost is accounted for again');
      }
    },
    status() {
      if (!notice) return { behind: false, detectedAt: null, lost: 0, pending: 0, message: null };
      return {
        behind: pending.size > 0,
        detectedAt: notice.detectedAt,
        lost: notice.lost,
        pending: pending.size,
        message: behindMessage(notice.lost, pending.size, notice.detectedAt),
      };
    },
  };
}
