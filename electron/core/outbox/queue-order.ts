// The order of a queue page and the keyset that continues it. A person sorts the whole queue by
// one column (not the page on screen); every page after the first starts right after the last
// row of the one before, by (column, seq), so page 200 costs what page 1 costs and rows that
// change meanwhile are neither skipped nor shown twice. Only whitelisted columns reach SQL.
// NULL sorts as the smallest value (SQLite's own rule, so the indexes of migration 6 serve the order).
import type { QueueSort } from '../../../shared/contract.js';

type Column = Required<QueueSort>['column'];

/** The SQL of each sortable column; text reads case-insensitively (as its index is built). */
const columnSql: Record<Column, string | null> = {
  created: null,
  callTime: 'call_time',
  fileName: 'file_name COLLATE NOCASE',
  customer: 'customer_name COLLATE NOCASE',
  agent: 'agent COLLATE NOCASE',
  destination: 'destination',
  state: 'state',
  attempts: 'attempts',
  lastError: 'last_error COLLATE NOCASE',
};

/** The SELECT expression that a sorted page's keyset records, per column. */
const valueSql: Record<Column, string | null> = {
  created: null,
  callTime: 'call_time',
  fileName: 'file_name',
  customer: 'customer_name',
  agent: 'agent',
  destination: 'destination',
  state: 'state',
  attempts: 'attempts',
  lastError: 'last_error',
};

type KeyValue = string | number | null;

export interface QueueOrder {
  /** ORDER BY clause (without the keywords). */
  orderBy: string;
  /** Extra SELECT expression holding the sort key, aliased sort_key; empty for the default order. */
  select: string;
  /** The WHERE term (and its parameters) that continues after a cursor. */
  after(cursor: string): { where: string; params: unknown[] };
  cursorOf(row: { seq: number; sort_key?: unknown }): string;
}

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function badCursor(): never {
  throw new RangeError('The queue cursor is not one this host gave out; reload the list from the start.');
}

/** Newest first (by seq) when no sort is given; the cursor format of older hosts is kept. */
export function queueOrder(sort: QueueSort | undefined): QueueOrder {
  const column = sort?.column ?? 'created';
  const direction = sort?.direction ?? 'desc';
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  const sql = columnSql[column];
  if (!sql) {
    return {
      orderBy: `seq ${dir}`,
      select: '',
      after(cursor) {
        const text = Buffer.from(cursor, 'base64url').toString('utf8');
        const match = /^s(\d{1,15})$/.exec(text);
        if (!match) badCursor();
        return { where: direction === 'asc' ? 'seq > ?' : 'seq < ?', params: [Number(match[1])] };
      },
      cursorOf: (row) => encode(`s${row.seq}`),
    };
  }
  return {
    orderBy: `${sql} ${dir}, seq ${dir}`,
    select: `, ${valueSql[column]} AS sort_key`,
    after(cursor) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        badCursor();
      }
      if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== column) badCursor();
      const [, value, seq] = parsed as [string, KeyValue, number];
      if (!Number.isSafeInteger(seq) || !(value === null || ['string', 'number'].includes(typeof value))) badCursor();
      const bare = valueSql[column]!;
      if (direction === 'asc') {
        // NULLs came first: after a NULL key, the rest of the NULLs and then every other value.
        return value === null
          ? { where: `((${bare} IS NULL AND seq > ?) OR ${bare} IS NOT NULL)`, params: [seq] }
          : { where: `(${sql} > ? OR (${sql} = ? AND seq > ?))`, params: [value, value, seq] };
      }
      // Descending: after a value come the smaller ones, then the NULLs.
      return value === null
        ? { where: `(${bare} IS NULL AND seq < ?)`, params: [seq] }
        : { where: `(${sql} < ? OR ${bare} IS NULL OR (${sql} = ? AND seq < ?))`, params: [value, value, seq] };
    },
    cursorOf: (row) => encode(JSON.stringify([column, (row.sort_key ?? null) as KeyValue, row.seq])),
  };
}
