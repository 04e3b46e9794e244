// A job's timeline: one row per thing that happened to it, written in the same transaction as
// the change it describes. Repeated identical failures fold into one row (timeline-folding.ts).
import type Database from 'better-sqlite3';
import type { JobEvent } from '../../../shared/model.js';
import type { Clock } from '../clock.js';
import { createTimelineFolding } from './timeline-folding.js';

export interface EventInput {
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface JobEvents {
  add(id: string, type: string, message: string, data?: Record<string, unknown>): void;
  /** Adds the event that ends an attempt, folded into the previous identical failure when it repeats one. */
  addOrFold(id: string, event: EventInput, at: number): void;
  /** The newest `limit` events of a job, oldest first. */
  list(id: string, limit: number): JobEvent[];
}

interface EventRow {
  id: number;
  at: number;
  type: string;
  message: string;
  data: string | null;
}

export function createJobEvents(db: Database.Database, clock: Clock): JobEvents {
  const insert = db.prepare('INSERT INTO events (job_id, at, type, message, data) VALUES (?, ?, ?, ?, ?)');
  const newest = db.prepare('SELECT id, at, type, message, data FROM events WHERE job_id = ? ORDER BY id DESC LIMIT ?');
  const folding = createTimelineFolding(db);
  const add: JobEvents['add'] = (id, type, message, data) => {
    insert.run(id, clock.now(), type, message, data === undefined ? null : JSON.stringify(data));
  };
  return {
    add,
    addOrFold(id, event, at) {
      const reason = event.data?.reason;
      if (!(typeof reason === 'string' && folding.fold(id, event.type, reason, event.message, at))) {
        add(id, event.type, event.message, event.data);
      }
    },
    list(id, limit) {
      return (newest.all(id, limit) as EventRow[]).reverse().map((e) => {
        const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : undefined;
        const fold = data?.fold as { count: number; firstAt: number; lastAt: number } | undefined;
        return {
          id: e.id,
          at: new Date(e.at).toISOString(),
          type: e.type,
          message: e.message,
          ...(data ? { data } : {}),
          ...(fold
            ? {
                repeat: {
                  count: fold.count,
                  firstAt: new Date(fold.firstAt).toISOString(),
                  lastAt: new Date(fold.lastAt).toISOString(),
                },
              }
            : {}),
        };
      });
    },
  };
}
