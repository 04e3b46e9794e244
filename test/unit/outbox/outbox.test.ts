import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LeaseLostError } from '../../../electron/core/delivery-errors.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { openOutbox, OutboxOpenError, setAsideOutbox, type Outbox } from '../../../electron/core/outbox/outbox.js';
import { enqueueInput, fakeRecording, makeTempDir } from '../../fixtures/engine/recordings.js';
import { leaseFor, memoryOutbox } from '../../fixtures/outbox/memory-outbox.js';

let now = 1_700_000_000_000;
const clock = { now: () => now };
const logger = createSilentLogger();

const memory = () => memoryOutbox(clock);

const lease = leaseFor(clock);

describe('outbox intake port', () => {
  it('enqueues once per content and destination, and remembers files it has seen', () => {
    const outbox = memory();
    const rec = fakeRecording(1);
    const first = outbox.enqueue(enqueueInput(rec));
    expect(first.created).toBe(true);
    const again = outbox.enqueue(enqueueInput({ ...rec, path: '/elsewhere/copy.wav' }));
    expect(again).toEqual({ id: first.id, created: false });
    expect(outbox.enqueue(enqueueInput(rec, { destination: 'other' })).created).toBe(true);
    expect(outbox.findBySha(rec.sha256, 'dest')).toEqual({ id: first.id, state: 'queued' });
    expect(outbox.findBySha(rec.sha256, 'nowhere')).toBeNull();
    expect(outbox.hasSeenFile(rec.path, rec.sizeBytes, rec.mtimeMs)).toBe(true);
    expect(outbox.hasSeenFile(rec.path, rec.sizeBytes + 1, rec.mtimeMs)).toBe(false);
  });

  it('keeps review issues and the failure reason given at intake', () => {
    const outbox = memory();
    const review = outbox.enqueue(
      enqueueInput(fakeRecording(1), {
        state: 'needs-review',
        reviewIssues: [{ field: 'agentId', message: 'required' }],
      }),
    );
    const failed = outbox.enqueue(enqueueInput(fakeRecording(2), { state: 'failed', reason: 'file is not audio' }));
    expect(outbox.getJob(review.id)!.reviewIssues).toEqual([{ field: 'agentId', message: 'required' }]);
    expect(outbox.getJob(failed.id)!.lastError).toBe('file is not audio');
    expect(outbox.events(failed.id)[0]!.message).toContain('file is not audio');
  });

  it('reports every change to its listeners', () => {
    const outbox = memory();
    const seen: string[][] = [];
    outbox.onChange((ids) => seen.push(ids));
    const { id } = outbox.enqueue(enqueueInput(fakeRecording(1)));
    outbox.pause([id]);
    expect(seen).toEqual([[id], [id]]);
  });
});

describe('outbox queue pages', () => {
  function fill(outbox: Outbox, n: number) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      now += 1000;
      const rec = fakeRecording(i);
      ids.push(
        outbox.enqueue(
          enqueueInput(rec, {
            destination: i % 2 ? 'odd' : 'even',
            folder: i % 3 ? '/a' : '/b',
            call: {
              callId: `call-${i}`,
              from: `+1555000${String(i).padStart(4, '0')}`,
              startTime: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
            },
          }),
        ).id,
      );
    }
    return ids;
  }

  it('pages newest first with an opaque cursor until the end', () => {
    const outbox = memory();
    const ids = fill(outbox, 25);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = outbox.list({ limit: 10, cursor });
      expect(result.total).toBe(25);
      seen.push(...result.rows.map((r) => r.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by state, destination, folder, search and call time', () => {
    const outbox = memory();
    const ids = fill(outbox, 30);
    outbox.pause([ids[0]!, ids[1]!]);
    expect(
      outbox
        .list({ states: ['paused'] })
        .rows.map((r) => r.id)
        .sort(),
    ).toEqual([ids[0], ids[1]].sort());
    expect(outbox.list({ destination: 'odd' }).total).toBe(15);
    expect(outbox.list({ folder: '/b' }).total).toBe(10);
    expect(outbox.list({ destination: 'odd', folder: '/b' }).total).toBe(5);
    expect(outbox.list({ search: 'CALL-17' }).rows.map((r) => r.id)).toEqual([ids[17]]);
    expect(outbox.list({ search: '5550000029' }).rows.map((r) => r.id)).toEqual([ids[29]]);
    expect(outbox.list({ search: '7' }).total).toBe(3); // short searches scan: 7, 17, 27
    const range = outbox.list({ since: '2024-01-01T00:10:00Z', until: '2024-01-01T00:12:00Z' });
    expect(range.rows.map((r) => r.id)).toEqual([ids[12], ids[11], ids[10]]);
    expect(range.rows[0]!.from).toBe('+15550000012');
  });

  it('rejects a cursor it did not give out', () => {
    const outbox = memory();
    expect(() => outbox.list({ cursor: 'bm9wZQ' })).toThrow(RangeError);
  });
});

describe('outbox leases and steps', () => {
  it('lets only the lease holder commit steps and finish', () => {
    const outbox = memory();
    const { id } = outbox.enqueue(enqueueInput(fakeRecording(1)));
    const job = outbox.acquire(id, lease('L1'))!;
    expect(job.state).toBe('running');
    expect(job.attempts).toBe(1);
    expect(outbox.acquire(id, lease('L2'))).toBeNull();
    outbox.commitSteps(id, 'L1', { upload: { key: 'k' } }, 'upload');
    expect(() => outbox.commitSteps(id, 'L2', {}, null)).toThrow(LeaseLostError);
    expect(outbox.finishUnderLease(id, 'L2', { to: 'done', event: { type: 'done', message: 'x' } })).toBe(false);
    expect(
      outbox.finishUnderLease(id, 'L1', { to: 'done', remoteId: 'r1', event: { type: 'done', message: 'ok' } }),
    ).toBe(true);
    const done = outbox.getJob(id)!;
    expect(done).toMatchObject({ state: 'done', remoteId: 'r1', steps: { upload: { key: 'k' } }, leaseId: null });
  });

  it('takes back expired leases and leases of owners that are gone, never live ones', () => {
    const outbox = memory();
    const a = outbox.enqueue(enqueueInput(fakeRecording(1))).id;
    const b = outbox.enqueue(enqueueInput(fakeRecording(2))).id;
    const c = outbox.enqueue(enqueueInput(fakeRecording(3))).id;
    outbox.acquire(a, { leaseId: 'La', owner: 'h/1/x', expiresAt: now + 10 });
    outbox.acquire(b, { leaseId: 'Lb', owner: 'h/2/dead', expiresAt: now + 60_000 });
    outbox.acquire(c, { leaseId: 'Lc', owner: 'h/3/y', expiresAt: now + 60_000 });
    now += 100;
    const taken = outbox.reclaimLeases((owner) => owner === 'h/2/dead', new Set());
    expect(taken.sort()).toEqual([a, b].sort());
    expect(outbox.getJob(a)!.state).toBe('queued');
    expect(outbox.getJob(c)!.state).toBe('running');
    // The old holder can no longer write.
    expect(() => outbox.commitSteps(a, 'La', {}, null)).toThrow(LeaseLostError);
    // A held lease is skipped even when expired.
    now += 120_000;
    expect(outbox.reclaimLeases(() => false, new Set([c]))).toEqual([]);
  });

  it('keeps committed steps and transitions across a reopen of the file', () => {
    const tmp = makeTempDir();
    onTestFinished(tmp.remove);
    const file = join(tmp.dir, 'outbox.db');
    let outbox = openOutbox({ file, clock, logger });
    const { id } = outbox.enqueue(enqueueInput(fakeRecording(1)));
    outbox.acquire(id, lease('L1'));
    outbox.commitSteps(id, 'L1', { create: 'remote-1' }, 'create');
    outbox.close();
    outbox = openOutbox({ file, clock, logger });
    expect(outbox.getJob(id)).toMatchObject({ state: 'running', steps: { create: 'remote-1' } });
    outbox.close();
  });

  it('schedules due jobs only, front of the line first', () => {
    const outbox = memory();
    const a = outbox.enqueue(enqueueInput(fakeRecording(1))).id;
    const b = outbox.enqueue(enqueueInput(fakeRecording(2))).id;
    const c = outbox.enqueue(enqueueInput(fakeRecording(3))).id;
    outbox.acquire(c, lease('Lc'));
    outbox.finishUnderLease(c, 'Lc', {
      to: 'retry-wait',
      nextAttemptAt: now + 5000,
      event: { type: 'retry-wait', message: '' },
    });
    expect(outbox.readyJobs('dest', '/recordings', now, 10).map((j) => j.id)).toEqual([a, b]);
    expect(outbox.moveToFront([b])).toBe(1);
    expect(outbox.readyJobs('dest', '/recordings', now, 10).map((j) => j.id)).toEqual([b, a]);
    expect(outbox.nextDueAt()).toBe(now + 5000);
    now += 5000;
    expect(outbox.readyJobs('dest', '/recordings', now, 10).map((j) => j.id)).toEqual([b, a, c]);
    expect(outbox.readyDestinations(now)).toEqual(['dest']);
  });
});

describe('outbox controls', () => {
  it('pauses, resumes, cancels and retries only from states that allow it', () => {
    const outbox = memory();
    const a = outbox.enqueue(enqueueInput(fakeRecording(1))).id;
    expect(outbox.pause([a])).toBe(1);
    expect(outbox.pause([a])).toBe(0);
    expect(outbox.resume([a])).toBe(1);
    expect(outbox.cancel([a])).toBe(1);
    expect(outbox.retry([a])).toBe(1);
    outbox.acquire(a, lease('L'));
    outbox.finishUnderLease(a, 'L', { to: 'done', event: { type: 'done', message: '' } });
    expect(outbox.cancel([a]) + outbox.pause([a]) + outbox.retry([a])).toBe(0);
    expect(outbox.getJob(a)!.state).toBe('done');
  });

  it('resends on purpose as a new job with a numbered callId', () => {
    const outbox = memory();
    const a = outbox.enqueue(enqueueInput(fakeRecording(1))).id;
    expect(outbox.resend([a])).toEqual([]); // not delivered yet
    outbox.acquire(a, lease('L'));
    outbox.finishUnderLease(a, 'L', { to: 'done', event: { type: 'done', message: '' } });
    const [r1] = outbox.resend([a]);
    const [r2] = outbox.resend([a]);
    const base = outbox.getJob(a)!.call.callId;
    expect(outbox.getJob(r1!)!.call.callId).toBe(`${base}-resend-1`);
    expect(outbox.getJob(r2!)!.call.callId).toBe(`${base}-resend-2`);
    expect(outbox.getJob(r2!)!.state).toBe('queued');
    // The original stays what intake finds for its content.
    expect(outbox.findBySha(outbox.getJob(a)!.sha256, 'dest')!.id).toBe(a);
  });

  it('saves edited call details and queues when no issue remains', () => {
    const outbox = memory();
    const a = outbox.enqueue(
      enqueueInput(fakeRecording(1), { state: 'needs-review', reviewIssues: [{ field: 'to', message: 'required' }] }),
    ).id;
    const still = outbox.updateCall(
      a,
      { callId: 'x', from: '+15550000009' },
      [{ field: 'to', message: 'required' }],
      true,
    );
    expect(still.state).toBe('needs-review');
    const fixed = outbox.updateCall(a, { callId: 'x', to: '+15550000008' }, [], true);
    expect(fixed).toMatchObject({ state: 'queued', reviewIssues: [] });
    expect(outbox.list({ search: '5550000008' }).rows.map((r) => r.id)).toEqual([a]);
  });
});

describe('opening the outbox', () => {
  it('refuses a file that is not a database, names it, and leaves it untouched', () => {
    const tmp = makeTempDir();
    onTestFinished(tmp.remove);
    const file = join(tmp.dir, 'outbox.db');
    writeFileSync(file, 'this is not a database, but it is somebody’s data'.repeat(200));
    const before = readFileSync(file);
    let error: unknown;
    try {
      openOutbox({ file, clock, logger });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutboxOpenError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/not changed or replaced/);
    expect(readFileSync(file).equals(before)).toBe(true);
    // Moving it aside is an explicit step that keeps the file.
    const kept = setAsideOutbox(file, now);
    expect(readFileSync(kept).equals(before)).toBe(true);
    const fresh = openOutbox({ file, clock, logger });
    expect(fresh.integrityCheck()).toBe('ok');
    fresh.close();
  });

  it('refuses a database that fails integrity_check', () => {
    const tmp = makeTempDir();
    onTestFinished(tmp.remove);
    const file = join(tmp.dir, 'outbox.db');
    const outbox = openOutbox({ file, clock, logger });
    for (let i = 0; i < 300; i++) outbox.enqueue(enqueueInput(fakeRecording(i)));
    outbox.close();
    // Corrupt one page of an index behind SQLite's back (the file is checkpointed on close).
    const raw = new Database(file, { readonly: true });
    const root = (
      raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'jobs_state'").get() as { rootpage: number }
    ).rootpage;
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const bytes = readFileSync(file);
    bytes.fill(0x5a, (root - 1) * pageSize + 8, root * pageSize - 8);
    writeFileSync(file, bytes);
    expect(() => openOutbox({ file, clock, logger })).toThrow(OutboxOpenError);
    expect(() => openOutbox({ file, clock, logger })).toThrow(/integrity_check/);
  });

  it('uses WAL with synchronous=FULL', () => {
    const tmp = makeTempDir();
    onTestFinished(tmp.remove);
    const file = join(tmp.dir, 'outbox.db');
    openOutbox({ file, clock, logger }).close();
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });
});

describe('outbox batch intake', () => {
  it('enqueues many in one transaction with the same dedupe', () => {
    const outbox = memory();
    const first = outbox.enqueue(enqueueInput(fakeRecording(0)));
    const results = outbox.enqueueMany([0, 1, 2, 2].map((n) => enqueueInput(fakeRecording(n))));
    expect(results.map((r) => r.created)).toEqual([false, true, true, false]);
    expect(results[0]!.id).toBe(first.id);
    expect(outbox.counts().queued).toBe(3);
  });
});

describe('outbox dashboard queries', () => {
  it('counts finished jobs per time bucket, whatever the millisecond they finished at', () => {
    const outbox = memory();
    const start = now;
    for (let i = 0; i < 3; i++) {
      const id = outbox.enqueue(enqueueInput(fakeRecording(i))).id;
      now = start + 1234 + i * 777; // all inside the first 60-second bucket
      outbox.acquire(id, lease(`L${i}`));
      outbox.finishUnderLease(id, `L${i}`, {
        to: i === 2 ? 'failed' : 'done',
        event: { type: i === 2 ? 'failed' : 'done', message: '' },
      });
    }
    now = start + 61_000;
    const id = outbox.enqueue(enqueueInput(fakeRecording(9))).id;
    outbox.acquire(id, lease('L9'));
    outbox.finishUnderLease(id, 'L9', { to: 'done', event: { type: 'done', message: '' } });
    expect([...outbox.finishedBuckets('done', start, 60_000)]).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect([...outbox.finishedBuckets('failed', start, 60_000)]).toEqual([[0, 1]]);
  });
});

describe('outbox metrics reads', () => {
  it('totals per destination and state, and the oldest waiting job per destination', () => {
    const outbox = memory();
    const start = now;
    outbox.enqueue(enqueueInput(fakeRecording(1), { destination: 'a' }));
    now += 1000;
    const second = outbox.enqueue(enqueueInput(fakeRecording(2), { destination: 'a' }));
    now += 1000;
    outbox.enqueue(enqueueInput(fakeRecording(3), { destination: 'b', state: 'needs-review' }));
    expect(
      outbox
        .totals()
        .map((t) => `${t.destination}/${t.state}: ${t.jobs} ${t.bytes}`)
        .sort(),
    ).toEqual(['a/queued: 2 2003', 'b/needs-review: 1 1003']);
    expect(outbox.oldestWaitingFor('a')).toBe(start);
    expect(outbox.oldestWaitingFor('b')).toBe(start + 2000);
    expect(outbox.oldestWaitingFor('nowhere')).toBeNull();
    // Delivered jobs no longer wait: the next one is the oldest.
    const first = outbox.list({ destination: 'a' }).rows.find((r) => r.id !== second.id)!;
    outbox.cancel([first.id]);
    expect(outbox.oldestWaitingFor('a')).toBe(start + 1000);
  });
});
