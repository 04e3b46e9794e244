// The outbox's state changes are guarded by job-states.ts itself, not by a copy of it: a
// transition that is not in the table is refused by the outbox's own writes.
import { describe, expect, it, onTestFinished } from 'vitest';
import { transitions } from '../../../electron/core/outbox/job-states.js';
import type { LeaseOutcome } from '../../../electron/core/outbox/outbox.js';
import type { JobState } from '../../../shared/model.js';
import { enqueueInput, fakeRecording } from '../../fixtures/engine/recordings.js';
import { leaseFor, memoryOutbox } from '../../fixtures/outbox/memory-outbox.js';

const now = 1_700_000_000_000;
const clock = { now: () => now };

const memory = () => memoryOutbox(clock);

const lease = leaseFor(clock)();

describe('transition guards', () => {
  it('refuses a lease holder moving a running job to a state the table does not list', () => {
    const outbox = memory();
    const { id } = outbox.enqueue(enqueueInput(fakeRecording(1)));
    expect(outbox.acquire(id, lease)).not.toBeNull();
    // running → waiting-file is not in the table (a job never goes back to waiting for its file).
    const outcome = { to: 'waiting-file', event: { type: 'odd', message: 'back to waiting' } };
    expect(outbox.finishUnderLease(id, lease.leaseId, outcome as unknown as LeaseOutcome)).toBe(false);
    expect(outbox.getJob(id)!.state).toBe('running');
    expect(outbox.events(id).map((e) => e.type)).not.toContain('odd');
    // A listed one goes through.
    expect(outbox.finishUnderLease(id, lease.leaseId, { to: 'done', event: { type: 'done', message: 'ok' } })).toBe(
      true,
    );
    expect(outbox.getJob(id)!.state).toBe('done');
  });

  it('follows the table as it is written: a transition taken out of it is refused by every control', () => {
    // The outbox builds its guards from the table when it opens; this one opens with
    // paused → queued taken out.
    const table = transitions as Record<JobState, readonly JobState[]>;
    const listed = table.paused;
    table.paused = listed.filter((s) => s !== 'queued');
    onTestFinished(() => {
      table.paused = listed;
    });
    const outbox = memory();
    const { id } = outbox.enqueue(enqueueInput(fakeRecording(1)));
    expect(outbox.pause([id])).toBe(1);
    // Neither resume nor "save and queue" moves it now.
    expect(outbox.resume([id])).toBe(0);
    expect(outbox.updateCall(id, outbox.getJob(id)!.call, [], true).state).toBe('paused');
    expect(outbox.getJob(id)!.state).toBe('paused');
    // What the table still lists goes through.
    expect(outbox.cancel([id])).toBe(1);
    expect(outbox.getJob(id)!.state).toBe('cancelled');
  });
});
