// Every file seen is a row: duplicates, empty files, send anyway, a retry that re-read its
// recording, send as it is, and failures grouped by reason without the file name.
import { describe, expect, it } from 'vitest';
import { enqueueInput, fakeRecording } from '../../fixtures/engine/recordings.js';
import { memoryOutbox } from '../../fixtures/outbox/memory-outbox.js';

let now = 1_700_000_000_000;
const clock = { now: () => now };

const memory = () => memoryOutbox(clock);

const EMPTY_SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('duplicate rows', () => {
  it('keeps a second copy of a recording as a duplicate row naming the first, counted and listed', () => {
    const outbox = memory();
    const first = outbox.enqueue(enqueueInput(fakeRecording(1))).id;
    const copy = enqueueInput(fakeRecording(1, { path: '/recordings/copy.wav', fileName: 'copy.wav' }));
    const { id } = outbox.recordDuplicate(copy, first);
    const job = outbox.getJob(id)!;
    expect(job).toMatchObject({ state: 'duplicate', duplicateOf: first, fileName: 'copy.wav' });
    expect(job.lastError).toContain('call-1.wav');
    expect(outbox.counts()).toMatchObject({ queued: 1, duplicate: 1 });
    expect(outbox.list({ states: ['duplicate'] }).rows.map((r) => r.duplicateOf)).toEqual([first]);
    // The content still belongs to the first job, and the copy's file is known.
    expect(outbox.findBySha(fakeRecording(1).sha256, 'dest')).toEqual({ id: first, state: 'queued' });
    expect(outbox.hasSeenFile('/recordings/copy.wav', job.recording.sizeBytes, job.recording.mtimeMs)).toBe(true);
  });

  it('never deduplicates empty files: each is its own failed row', () => {
    const outbox = memory();
    const empty = (n: number) =>
      enqueueInput(fakeRecording(n, { sizeBytes: 0, sha256: EMPTY_SHA }), {
        state: 'failed',
        reason: 'the file is empty (0 bytes)',
      });
    const a = outbox.enqueue(empty(1));
    const b = outbox.enqueue(empty(2));
    expect(a.created && b.created).toBe(true);
    expect(a.id).not.toBe(b.id);
    expect(outbox.counts().failed).toBe(2);
    expect(outbox.findBySha(EMPTY_SHA, 'dest')).toBeNull();
  });

  it('sends a duplicate anyway only on purpose, as resend 1 of the first job', () => {
    const outbox = memory();
    const first = outbox.enqueue(enqueueInput(fakeRecording(1))).id;
    const { id } = outbox.recordDuplicate(enqueueInput(fakeRecording(1, { path: '/r/copy.wav' })), first);
    expect(outbox.retry([id])).toBe(0);
    expect(outbox.sendAnyway([id, first])).toEqual([id]);
    const job = outbox.getJob(id)!;
    expect(job).toMatchObject({ state: 'queued', resendOf: first, resendNo: 1 });
    expect(job.call.callId).toBe(`${outbox.getJob(first)!.call.callId}-resend-1`);
    expect(outbox.events(id).at(-1)!.message).toMatch(/resend 1 of/);
  });

  it('keeps a duplicate a duplicate when its details are saved and queued: only Send anyway sends it', () => {
    const outbox = memory();
    const first = outbox.enqueue(enqueueInput(fakeRecording(1))).id;
    const { id } = outbox.recordDuplicate(enqueueInput(fakeRecording(1, { path: '/r/copy.wav' })), first);
    const call = { ...outbox.getJob(id)!.call, customerName: 'Asha Rao' };
    expect(outbox.updateCall(id, call, [], true)).toMatchObject({ state: 'duplicate', duplicateOf: first });
    expect(outbox.getJob(id)!.call.customerName).toBe('Asha Rao');
    expect(outbox.counts()).toMatchObject({ queued: 1, duplicate: 1 });
  });
});

describe('a retry that re-read its recording', () => {
  const failedEmpty = () =>
    enqueueInput(fakeRecording(5, { sizeBytes: 0, sha256: EMPTY_SHA }), {
      state: 'failed',
      reason: 'the file is empty (0 bytes)',
      reviewIssues: [{ field: 'recording', message: 'the file is empty (0 bytes)' }],
    });

  it('stays failed with the same reason when the file is still bad, and says nothing was sent', () => {
    const outbox = memory();
    const { id } = outbox.enqueue(failedEmpty());
    const result = outbox.applyReexamined(id, { ...failedEmpty(), state: 'failed' });
    expect(result).toEqual({ outcome: 'failed', reason: 'the file is empty (0 bytes)' });
    expect(outbox.getJob(id)).toMatchObject({ state: 'failed', lastError: 'the file is empty (0 bytes)' });
    expect(outbox.events(id).at(-1)).toMatchObject({ type: 'retry-refused' });
  });

  it('goes on with the new description once the file is good, and becomes a duplicate if its content is taken', () => {
    const outbox = memory();
    const { id } = outbox.enqueue(failedEmpty());
    const good = fakeRecording(6, { path: fakeRecording(5).path });
    expect(outbox.applyReexamined(id, { ...enqueueInput(good), reviewIssues: [] })).toEqual({
      outcome: 'queued',
      reason: null,
    });
    expect(outbox.getJob(id)).toMatchObject({ state: 'queued', reviewIssues: [], lastError: null });
    expect(outbox.getJob(id)!.recording.sha256).toBe(good.sha256);

    const other = outbox.enqueue(failedEmpty()).id;
    expect(outbox.applyReexamined(other, { ...enqueueInput(good), reviewIssues: [] })).toEqual({
      outcome: 'duplicate',
      of: id,
    });
    expect(outbox.getJob(other)).toMatchObject({ state: 'duplicate', duplicateOf: id });
  });

  it('sends a cut-off recording as it is only through its own action', () => {
    const outbox = memory();
    const { id } = outbox.enqueue(
      enqueueInput(fakeRecording(7), {
        state: 'needs-review',
        reviewIssues: [{ field: 'recording', message: 'the WAV file is truncated' }],
      }),
    );
    expect(outbox.sendAsIs([id])).toEqual([id]);
    expect(outbox.getJob(id)).toMatchObject({ state: 'queued', reviewIssues: [] });
    expect(outbox.events(id).at(-1)!.message).toMatch(/as it is, on purpose, although the WAV file is truncated/);
    expect(outbox.sendAsIs([id])).toEqual([]);
  });
});

describe('failures by reason', () => {
  it('groups reasons without the file name, and the queue filter opens exactly those jobs', () => {
    const outbox = memory();
    for (const n of [1, 2]) {
      const name = `notes-${n}.wav`;
      outbox.enqueue(
        enqueueInput(fakeRecording(n, { fileName: name, path: `/recordings/${name}` }), {
          state: 'failed',
          reason: `not an audio file: text; check what wrote "${name}"`,
        }),
      );
    }
    outbox.enqueue(enqueueInput(fakeRecording(3), { state: 'failed', reason: 'something else' }));
    const reasons = outbox.failuresByReason(10);
    expect(reasons).toEqual([
      { reason: 'not an audio file: text; check what wrote "…"', count: 2 },
      { reason: 'something else', count: 1 },
    ]);
    const rows = outbox.list({ reason: reasons[0]!.reason }).rows;
    expect(rows.map((r) => r.fileName).sort()).toEqual(['notes-1.wav', 'notes-2.wav']);
  });
});

describe('folded timeline', () => {
  it('folds 100 identical failures into one row with their count and first and last time', () => {
    const outbox = memory();
    const { id } = outbox.enqueue(enqueueInput(fakeRecording(1)));
    const start = now;
    for (let i = 0; i < 100; i++) {
      const leaseId = `l-${i}`;
      expect(outbox.acquire(id, { leaseId, owner: 'h/1/x', expiresAt: now + 60_000 })).not.toBeNull();
      now += 1000;
      outbox.finishUnderLease(id, leaseId, {
        to: 'retry-wait',
        nextAttemptAt: now,
        event: {
          type: 'retry-wait',
          message: 'HTTP 503: Service Unavailable; retrying in 5 s',
          data: { reason: 'HTTP 503: Service Unavailable' },
        },
      });
    }
    const retries = outbox.events(id).filter((e) => e.type === 'retry-wait');
    expect(retries).toHaveLength(1);
    expect(retries[0]!.repeat).toEqual({
      count: 100,
      firstAt: new Date(start + 1000).toISOString(),
      lastAt: new Date(now).toISOString(),
    });
    // Created, one folded row, and the first attempt's start row.
    expect(outbox.events(id).length).toBeLessThanOrEqual(3);
    // A different failure starts a row of its own.
    outbox.acquire(id, { leaseId: 'x', owner: 'h/1/x', expiresAt: now + 60_000 });
    outbox.finishUnderLease(id, 'x', {
      to: 'retry-wait',
      nextAttemptAt: now,
      event: { type: 'retry-wait', message: 'reset; retrying', data: { reason: 'reset' } },
    });
    expect(outbox.events(id).filter((e) => e.type === 'retry-wait')).toHaveLength(2);
  });
});
