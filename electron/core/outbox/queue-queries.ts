// What the queue view reads: one filtered, searched page of jobs at a time (newest first, keyset
// paging on seq so every page is as cheap as the first), the count behind the filter and the
// per-state counts kept by triggers (migration 3).
import type { QueueListInput } from '../../../shared/contract.js';
import { emptyCounts, jobStates, type JobState, type StateCounts } from '../../../shared/model.js';
import { readPhoneNumber } from '../../../shared/phone-number.js';
import { failureReasonSql } from './failure-reasons.js';
import { listShape, type JobListRow } from './job-row.js';
import type { OutboxDb } from './outbox-db.js';
import { queueOrder } from './queue-order.js';

export type QueueQuery = Omit<QueueListInput, 'limit'> & {
  limit?: number;
  /** The watched folders' regions: a number typed nationally ("(212) 555-0105") is read in each. */
  phoneRegions?: readonly string[];
  /** false: the page only, without counting every matching job (an export needs no total). */
  withTotal?: boolean;
};

export interface QueuePage {
  rows: JobListRow[];
  nextCursor: string | null;
  total: number;
}

export interface QueueQueries {
  list(query: QueueQuery): QueuePage;
  counts(): StateCounts;
  destinations(): string[];
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s(\d{1,15})$/.exec(text);
  if (!match) throw new RangeError('The queue cursor is not one this host gave out; reload the list from the start.');
  return Number(match[1]);
}

/** FTS5 phrase of a person's search text: a substring match on the trigram index. */
function searchPhrase(text: string): string {
  return `"${text.toLowerCase().replace(/"/g, '""')}"`;
}

/**
 * What a search for a phone number written any way should match. Numbers are stored in E.164
 * (normalised at intake with the folder's region), so the typed text is normalised the same way
 * (libphonenumber, once per watched folder's region) and also matched by its digits alone:
 * "(212) 555-0105" finds +12125550105, and so does "212 555 0105" or "+1 212-555-0105".
 */
export function phoneSearchTerms(text: string, regions: readonly string[] = []): string[] {
  if (!/^[\d\s()+.\-/]+$/.test(text)) return [];
  const digits = text.replace(/\D/g, '');
  if (digits.length < 4) return [];
  const terms = new Set<string>([digits]);
  for (const region of new Set([undefined, ...regions])) {
    const reading = readPhoneNumber(text, region);
    if ('e164' in reading) terms.add(reading.e164.slice(1));
  }
  return [...terms];
}

/** The WHERE terms and parameters of a query's filters and search. */
function filterOf(query: QueueQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.states && query.states.length > 0) {
    where.push(`state IN (${query.states.map(() => '?').join(', ')})`);
    params.push(...query.states);
  }
  if (query.destination) {
    where.push('destination = ?');
    params.push(query.destination);
  }
  if (query.folder) {
    where.push('folder = ?');
    params.push(query.folder);
  }
  if (query.since) {
    where.push('call_time >= ?');
    params.push(Date.parse(query.since));
  }
  if (query.until) {
    where.push('call_time <= ?');
    params.push(Date.parse(query.until));
  }
  if (query.reason) {
    where.push(`state = 'failed' AND ${failureReasonSql} = ?`);
    params.push(query.reason);
  }
  const search = query.search?.trim();
  if (search) {
    if (search.length >= 3) {
      const phrases = [search, ...phoneSearchTerms(search, query.phoneRegions)].map(searchPhrase);
      where.push('seq IN (SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?)');
      params.push(phrases.join(' OR '));
    } else {
      const like = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(
        "(lower(file_name) LIKE ? ESCAPE '\\' OR phones LIKE ? ESCAPE '\\' OR lower(call_id) LIKE ? ESCAPE '\\' OR lower(customer_name) LIKE ? ESCAPE '\\')",
      );
      params.push(like, like, like, like);
    }
  }
  return { where, params };
}

export function createQueueQueries({ db }: OutboxDb): QueueQueries {
  const counts = db.prepare('SELECT state, n FROM job_counts');
  // From the totals the triggers keep (migration 004): a read of a few rows, where DISTINCT over
  // jobs walks an index entry per job, which the scheduler paid every few seconds on a backlog.
  const destinations = db.prepare('SELECT destination FROM job_totals GROUP BY destination HAVING SUM(n) > 0');
  return {
    list(query) {
      const { where, params } = filterOf(query);
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const limit = query.limit ?? 100;
      const order = queueOrder(query.sort);
      const pageWhere = [...where];
      const pageParams = [...params];
      if (query.cursor) {
        const after = order.after(query.cursor);
        pageWhere.push(after.where);
        pageParams.push(...after.params);
      }
      // Newest first unless sorted; the keyset keeps every page as cheap as the first.
      const rows = db
        .prepare(
          `SELECT seq, ${listShape.columns}${order.select} FROM jobs ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
           ORDER BY ${order.orderBy} LIMIT ?`,
        )
        .all(...pageParams, limit + 1) as ({ seq: number } & Record<string, unknown>)[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const total =
        query.withTotal === false
          ? -1
          : (db.prepare(`SELECT COUNT(*) AS n FROM jobs ${filter}`).get(...params) as { n: number }).n;
      return {
        rows: page.map((r) => listShape.decode(r)),
        nextCursor: more ? order.cursorOf(page[page.length - 1]!) : null,
        total,
      };
    },
    counts() {
      const out = emptyCounts();
      for (const row of counts.all() as { state: JobState; n: number }[]) {
        if ((jobStates as readonly string[]).includes(row.state)) out[row.state] = row.n;
      }
      return out;
    },
    destinations: () => (destinations.all() as { destination: string }[]).map((r) => r.destination),
  };
}
