// What every part of the outbox works on: the open database, the clock, the job reader and the
// timeline. The parts are plain functions over this handle; the transactions around them and
// the change notices after them are outbox.ts's.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { JobEvents } from './job-events.js';
import type { JobRecord } from './job-row.js';

export interface OutboxDb {
  readonly db: Database.Database;
  readonly clock: Clock;
  getJob(id: string): JobRecord | null;
  readonly events: JobEvents;
}
