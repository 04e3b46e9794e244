// The PBX's own call records (CDR), as FreePBX keeps them in MariaDB/MySQL (`asteriskcdrdb.cdr`)
// or as a CSV export, looked up by the recording's unique id. Read-only: one parameterised SELECT
// on a small pool with connect and query timeouts, retried a few times when the database fails.
// The PBX writes a call's record at hang-up, about when the recording is finished, so a record
// not there yet is waited for within a bound; after that the call goes on without it, and says so.
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';

/** The columns CallRelay reads; FreePBX's cdr table has more. All as the database wrote them. */
export interface CdrRecord {
  uniqueid: string;
  linkedid?: string | undefined;
  /** Local time of the PBX, "YYYY-MM-DD HH:MM:SS". */
  calldate?: string | undefined;
  src?: string | undefined;
  dst?: string | undefined;
  cnam?: string | undefined;
  did?: string | undefined;
  disposition?: string | undefined;
  duration?: string | undefined;
  billsec?: string | undefined;
  accountcode?: string | undefined;
  /** The caller's and the answering party's channels, e.g. PJSIP/101-0000002a. */
  channel?: string | undefined;
  dstchannel?: string | undefined;
}

export interface CdrSource {
  /** For messages; never the DSN (it may hold a password). */
  readonly label: string;
  /** One look: the best record for the id, or null. Throws when the records cannot be read. */
  find(id: string): Promise<CdrRecord | null>;
  /** Throws, saying why, unless the records can be read (doctor). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export type CdrLookup =
  | { found: true; record: CdrRecord; waitedMs: number }
  | { found: false; reason: string; unavailable: boolean };

export interface CdrWait {
  waitMs: number;
  pollMs: number;
  signal?: AbortSignal | undefined;
  now?: () => number;
}

const columns = [
  'uniqueid',
  'linkedid',
  'calldate',
  'src',
  'dst',
  'cnam',
  'did',
  'disposition',
  'duration',
  'billsec',
  'accountcode',
  'channel',
  'dstchannel',
] as const;

function pick(row: Record<string, unknown>): CdrRecord {
  const out: Record<string, string> = {};
  for (const column of columns) {
    const value = row[column];
    if (value !== null && value !== undefined && String(value).trim() !== '') out[column] = String(value).trim();
  }
  return out as unknown as CdrRecord;
}

/** Among several records of one call (transfers, queue attempts): the answered, longest, own leg. */
function best(records: CdrRecord[], id: string): CdrRecord | null {
  const score = (r: CdrRecord) =>
    (r.uniqueid === id ? 4 : 0) + (r.disposition?.toUpperCase() === 'ANSWERED' ? 2 : 0) + Number(r.billsec ?? 0) / 1e9;
  return [...records].sort((a, b) => score(b) - score(a))[0] ?? null;
}

function describeDsn(dsn: string): { label: string; url: URL } {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new Error('the CDR database address is not a URL; write it as mysql://user:password@host:3306/asteriskcdrdb');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new Error(
      `the CDR database address starts with ${url.protocol}; write it as mysql://user:password@host:3306/asteriskcdrdb`,
    );
  }
  return { label: `${url.hostname}:${url.port || '3306'}${url.pathname}`, url };
}

export interface MysqlCdrOptions {
  /** mysql://user:password@host:port/database */
  dsn: string;
  table: string;
  timeoutMs: number;
  /** Connections at most; lookups beyond it wait their turn. Default 2. */
  connectionLimit?: number;
}

export function createMysqlCdrSource(options: MysqlCdrOptions): CdrSource {
  const { label, url } = describeDsn(options.dsn);
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(options.table)) {
    throw new Error(`"${options.table}" is not a table name such as cdr or asteriskcdrdb.cdr`);
  }
  // Identifiers cannot be parameters; the table name is checked above and quoted here.
  const table = options.table
    .split('.')
    .map((part) => `\`${part}\``)
    .join('.');
  let pool: Pool | null = null;
  let withLinkedId = true;

  function getPool(): Pool {
    if (pool) return pool;
    pool = createPool({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
      connectionLimit: options.connectionLimit ?? 2,
      maxIdle: 1,
      idleTimeout: 60_000,
      queueLimit: 50,
      connectTimeout: options.timeoutMs,
      enableKeepAlive: true,
      // Times as written: they are the PBX's local time, read in the folder's zone.
      dateStrings: true,
      multipleStatements: false,
    });
    // Belt and braces next to a SELECT-only database user: this session cannot write.
    pool.on('connection', (connection) => {
      // Queued on the connection before any lookup it serves.
      void Promise.resolve(connection.query('SET SESSION TRANSACTION READ ONLY')).catch(() => undefined);
    });
    return pool;
  }

  async function select(id: string): Promise<CdrRecord[]> {
    const where = withLinkedId ? 'uniqueid = ? OR linkedid = ?' : 'uniqueid = ?';
    const [rows] = await getPool().execute<RowDataPacket[]>(
      { sql: `SELECT * FROM ${table} WHERE ${where} LIMIT 20`, timeout: options.timeoutMs },
      withLinkedId ? [id, id] : [id],
    );
    return rows.map((row) => pick(row));
  }

  return {
    label: `the CDR database ${label}`,
    async find(id) {
      try {
        return best(await select(id), id);
      } catch (error) {
        // Asterisk before 1.8 (and some exports) have no linkedid column.
        if ((error as { code?: string }).code === 'ER_BAD_FIELD_ERROR' && withLinkedId) {
          withLinkedId = false;
          return best(await select(id), id);
        }
        throw error;
      }
    },
    async check() {
      await getPool().execute({ sql: `SELECT uniqueid FROM ${table} LIMIT 1`, timeout: options.timeoutMs });
    },
    async close() {
      const p = pool;
      pool = null;
      await p?.end().catch(() => undefined);
    },
  };
}

// Asterisk's Master.csv (cdr_csv) has no header: these are its columns, in order.
const masterCsvColumns = [
  'accountcode',
  'src',
  'dst',
  'dcontext',
  'clid',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'calldate',
  'answer',
  'end',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
  'uniqueid',
  'userfield',
  'peeraccount',
  'linkedid',
  'sequence',
];

/** "Asha Rao" <2125550199> → Asha Rao */
function nameFromClid(clid: string | undefined): string | undefined {
  const m = clid ? /^"?([^"<]*?)"?\s*<[^>]*>$/.exec(clid.trim()) : null;
  return m?.[1]?.trim() || undefined;
}

function readCdrCsv(text: string): CdrRecord[] {
  const rows = parseCsv(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
  }) as string[][];
  const first = rows[0] ?? [];
  const hasHeader = first.some((cell) => cell.toLowerCase() === 'uniqueid');
  const names = hasHeader ? first.map((c) => c.toLowerCase()) : masterCsvColumns;
  return (hasHeader ? rows.slice(1) : rows).map((row) => {
    const record: Record<string, string> = {};
    names.forEach((name, i) => {
      if (row[i] !== undefined) record[name] = row[i] as string;
    });
    record.cnam ||= nameFromClid(record.clid) ?? '';
    return pick(record);
  });
}

/** A CSV export of the CDR, re-read when it changes (a PBX appends to Master.csv as calls end). */
export function createCsvCdrSource(file: string): CdrSource {
  let cached: { size: number; mtimeMs: number; byId: Map<string, CdrRecord[]> } | null = null;
  return {
    label: `the CDR file ${path.basename(file)}`,
    async find(id) {
      const s = await fs.stat(file);
      if (!cached || cached.size !== s.size || cached.mtimeMs !== s.mtimeMs) {
        const byId = new Map<string, CdrRecord[]>();
        for (const record of readCdrCsv(await fs.readFile(file, 'utf8'))) {
          for (const key of new Set([record.uniqueid, record.linkedid])) {
            if (!key) continue;
            byId.set(key, [...(byId.get(key) ?? []), record]);
          }
        }
        cached = { size: s.size, mtimeMs: s.mtimeMs, byId };
      }
      return best(cached.byId.get(id) ?? [], id);
    },
    async check() {
      await fs.access(file, fs.constants.R_OK);
    },
    close: async () => undefined,
  };
}

export function reasonOf(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = (e.message ?? String(error)).split('\n')[0] ?? '';
  return e.code && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

const retryDelaysMs = [500, 1500];
/** After a source failed every try, the next lookups within this time try it once only. */
const downForMs = 30_000;
const downSince = new WeakMap<CdrSource, number>();

/** The host is stopping: the recording is left for the next start rather than sent without its record. */
function stopped(): Error {
  return Object.assign(
    new Error('stopping: the call record lookup was cut short; the recording is taken at the next start'),
    {
      code: 'CDR_WAIT_STOPPED',
    },
  );
}

/**
 * Looks a call up, waiting up to `waitMs` for a record the PBX has not written yet. A failing
 * database is tried three times in all (once while it is known to be down); then the lookup
 * gives up with the reason, since waiting longer for a database that is down would hold every
 * recording of the folder. Rejects (code CDR_WAIT_STOPPED) when `signal` aborts a wait.
 */
export async function lookupCdr(source: CdrSource, id: string, wait: CdrWait): Promise<CdrLookup> {
  const now = wait.now ?? Date.now;
  const started = now();
  // A database found down moments ago is tried once, not three times: every recording of the
  // folder would otherwise pay the retries (and the connect timeouts) while it stays down.
  const down = downSince.get(source);
  const retries = down !== undefined && started - down < downForMs ? 0 : retryDelaysMs.length;
  let failures = 0;
  for (;;) {
    try {
      const record = await source.find(id);
      downSince.delete(source);
      if (record) return { found: true, record, waitedMs: now() - started };
      failures = 0;
    } catch (error) {
      if (failures >= retries) {
        downSince.set(source, now());
        return {
          found: false,
          unavailable: true,
          reason: `${source.label} could not be read (${reasonOf(error)}); sent without the PBX's call details`,
        };
      }
      await sleep(retryDelaysMs[failures] as number, undefined, { signal: wait.signal }).catch(() => undefined);
      failures += 1;
      if (wait.signal?.aborted) throw stopped();
      continue;
    }
    const left = wait.waitMs - (now() - started);
    if (wait.signal?.aborted) throw stopped();
    if (left <= 0) break;
    await sleep(Math.min(wait.pollMs, left), undefined, { signal: wait.signal }).catch(() => undefined);
    if (wait.signal?.aborted) throw stopped();
  }
  const seconds = Math.round((now() - started) / 100) / 10;
  return {
    found: false,
    unavailable: false,
    reason: `no call record for ${id} in ${source.label} after waiting ${seconds} s; sent without the PBX's call details`,
  };
}
