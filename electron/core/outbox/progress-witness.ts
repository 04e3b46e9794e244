// A second, tiny record of progress outside SQLite: one line per create request that left for a
// platform, fsynced before the request goes. The outbox can lose recent transactions without
// noticing (a WAL cut short, a deleted -shm, a restored old backup: integrity_check still says
// "ok"), and then it would create those calls again. Compared with the outbox at open, this file
// says which creates the outbox no longer knows about, the way Postgres and etcd keep a log index
// apart from the data. Lines are append-only JSON; a torn last line (crash mid-write) is ignored.
import fs from 'node:fs';
import path from 'node:path';

export interface WitnessEntry {
  destination: string;
  callId: string;
  jobId: string;
  at: number;
  /** What the request made, when it names it (a tus upload URL). */
  ref?: string;
}

export interface ProgressWitness {
  readonly file: string;
  /** True when a create for this call may have left (and was not proven unanswered since). */
  wasSent(destination: string, callId: string): boolean;
  /** The `ref` recorded with that create (a tus upload URL), if any. */
  refOf(destination: string, callId: string): string | null;
  /** Written and fsynced before the create request leaves. */
  recordSent(entry: WitnessEntry): void;
  /** The request provably did not create the call (refused, or answered with an error). */
  retract(destination: string, callId: string): void;
  /** Every create that may have left, oldest first. */
  entries(): WitnessEntry[];
  close(): void;
}

/** The witness of an outbox file lives next to it. */
export function witnessFileFor(outboxFile: string): string {
  return path.join(path.dirname(outboxFile), 'outbox.witness');
}

const key = (destination: string, callId: string) => `${destination}\u0000${callId}`;

interface Line {
  d: string;
  c: string;
  j?: string;
  at?: number;
  r?: string;
  undo?: true;
}

/** Reads a witness file without opening it for writing (doctor, status). */
export function readWitness(file: string): WitnessEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const sent = new Map<string, WitnessEntry>();
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue; // a torn last line: the request it describes never left
    }
    if (typeof line.d !== 'string' || typeof line.c !== 'string') continue;
    const k = key(line.d, line.c);
    if (line.undo) sent.delete(k);
    else {
      const ref = typeof line.r === 'string' ? line.r : sent.get(k)?.ref;
      sent.set(k, {
        destination: line.d,
        callId: line.c,
        jobId: line.j ?? '',
        at: line.at ?? 0,
        ...(ref ? { ref } : {}),
      });
    }
  }
  return [...sent.values()];
}

export function openProgressWitness(file: string): ProgressWitness {
  const sent = new Map<string, WitnessEntry>();
  for (const entry of readWitness(file)) sent.set(key(entry.destination, entry.callId), entry);
  const existed = fs.existsSync(file);
  const fd = fs.openSync(file, 'a', 0o600);
  if (!existed) {
    // The new name must survive a power cut too: fsync the folder that holds it.
    try {
      const dir = fs.openSync(path.dirname(file), 'r');
      fs.fsyncSync(dir);
      fs.closeSync(dir);
    } catch {
      // Some platforms (Windows) cannot open a folder; the file's own fsync still holds its lines.
    }
  }
  let closed = false;
  // After a failed write (a full disk) a torn line may end the file: the next line starts afresh.
  let torn = false;
  const append = (line: Line) => {
    if (closed) throw new Error('the progress witness is closed');
    try {
      fs.writeSync(fd, `${torn ? '\n' : ''}${JSON.stringify(line)}\n`);
      fs.fsyncSync(fd);
      torn = false;
    } catch (error) {
      torn = true;
      throw error;
    }
  };
  return {
    file,
    wasSent: (destination, callId) => sent.has(key(destination, callId)),
    refOf: (destination, callId) => sent.get(key(destination, callId))?.ref ?? null,
    recordSent(entry) {
      append({
        d: entry.destination,
        c: entry.callId,
        j: entry.jobId,
        at: entry.at,
        ...(entry.ref ? { r: entry.ref } : {}),
      });
      sent.set(key(entry.destination, entry.callId), entry);
    },
    retract(destination, callId) {
      if (!sent.has(key(destination, callId))) return;
      append({ d: destination, c: callId, undo: true });
      sent.delete(key(destination, callId));
    },
    entries: () => [...sent.values()],
    close() {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
    },
  };
}
