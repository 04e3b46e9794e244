// A read-only look at the outbox's counts for `callrelay status`: a monitoring script calls it
// every few seconds, so it must not pay for what opening the outbox for work does (a full
// integrity check reads every page: seconds on a year of jobs; migrations; ~60 prepared
// statements). It reads the per-state counters the triggers keep. Anything unusual (older schema,
// unreadable file) returns null and the caller opens the outbox properly, which migrates or
// reports the problem in its own words.
import Database from 'better-sqlite3';
import { jobStates } from '../../../shared/job-states.js';
import type { JobState, StateCounts } from '../../../shared/model.js';
import { latestVersion } from './migrations/index.js';

export function readStateCounts(file: string, busyTimeoutMs = 5000): StateCounts | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    if (db.pragma('user_version', { simple: true }) !== latestVersion) return null;
    const counts = Object.fromEntries(jobStates.map((s) => [s, 0])) as StateCounts;
    for (const row of db.prepare('SELECT state, n FROM job_counts').all() as { state: string; n: number }[]) {
      if ((jobStates as readonly string[]).includes(row.state)) counts[row.state as JobState] = row.n;
    }
    return counts;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** One value of the outbox's meta table, read-only (the engine's last destination health), or null. */
export function readMeta(file: string, key: string, busyTimeoutMs = 5000): string | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}
