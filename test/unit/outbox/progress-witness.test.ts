import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { openOutbox } from '../../../electron/core/outbox/outbox.js';
import { createRecoveryGuard } from '../../../electron/core/outbox/outbox-recovery.js';
import { openProgressWitness, readWitness } from '../../../electron/core/outbox/progress-witness.js';
import { makeTempDir } from '../../fixtures/engine/recordings.js';
import { makeCallInputs } from '../../fixtures/engine/sandbox-run.js';

describe('progress witness', () => {
  it('keeps what was sent across reopen, drops retracted creates and a torn last line', () => {
    const tmp = makeTempDir();
    const file = path.join(tmp.dir, 'outbox.witness');
    const w = openProgressWitness(file);
    w.recordSent({ destination: 'a', callId: 'c1', jobId: 'j1', at: 1 });
    w.recordSent({ destination: 'a', callId: 'c2', jobId: 'j2', at: 2 });
    w.retract('a', 'c2');
    w.close();
    fs.appendFileSync(file, '{"d":"a","c":"c3"'); // a crash mid-line
    expect(readWitness(file).map((e) => e.callId)).toEqual(['c1']);
    const again = openProgressWitness(file);
    expect(again.wasSent('a', 'c1')).toBe(true);
    expect(again.wasSent('a', 'c2')).toBe(false);
    expect(again.wasSent('b', 'c1')).toBe(false);
    again.close();
    tmp.remove();
  });

  it('an outbox that lost a witnessed create is behind; recovery ends once it is accounted for', () => {
    const tmp = makeTempDir();
    const outbox = openOutbox({
      file: path.join(tmp.dir, 'outbox.db'),
      clock: systemClock,
      logger: createSilentLogger(),
    });
    const [input] = makeCallInputs(path.join(tmp.dir, 'rec'), 1, 1000, 'dest');
    const { id } = outbox.enqueue(input!);
    const witness = openProgressWitness(path.join(tmp.dir, 'outbox.witness'));
    witness.recordSent({ destination: 'dest', callId: input!.call.callId, jobId: id, at: 1 });
    const guard = () =>
      createRecoveryGuard({
        lostCreates: (e) => outbox.lostCreates(e),
        witness,
        clock: systemClock,
        logger: createSilentLogger(),
        getMeta: (k) => outbox.getMeta(k),
        setMeta: (k, v) => outbox.setMeta(k, v),
      });
    const first = guard();
    expect(first.recovering()).toBe(true);
    expect(first.status()).toMatchObject({ behind: true, lost: 1, pending: 1 });
    expect(first.status().message).toMatch(/the outbox is behind its progress witness: 1 create request had reached/);
    first.accounted('dest', input!.call.callId);
    expect(first.status()).toMatchObject({ behind: false, pending: 0 });
    // Once the outbox holds the sent marker, it is no longer behind; the notice stays, settled.
    const job = outbox.acquire(id, { leaseId: 'l', owner: 'o', expiresAt: Date.now() + 10_000 })!;
    outbox.commitSteps(id, 'l', { ...job.steps, 'create-call:sent': { sentAt: 1 } }, 'create-call:sent');
    const second = guard();
    expect(second.recovering()).toBe(false);
    expect(second.status().message).toMatch(/All of them are accounted for again/);
    witness.close();
    outbox.close();
    tmp.remove();
  });
});
