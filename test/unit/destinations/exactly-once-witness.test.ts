// createOnce with the progress witness: what the outbox forgot but the witness saw leave is never
// created blindly again.
import { describe, expect, it } from 'vitest';
import { ReviewError } from '../../../electron/core/delivery-errors.js';
import type { CreateWitness, StepStore } from '../../../electron/core/destinations/destination.js';
import { createOnce } from '../../../electron/core/destinations/exactly-once.js';

function memorySteps(): StepStore & { all: Record<string, unknown> } {
  const all: Record<string, unknown> = {};
  return {
    all,
    get: <T>(name: string) => all[name] as T | undefined,
    commit: (name, output) => void (all[name] = output ?? null),
    clear: (name) => void delete all[name],
  };
}

function witness(sent: boolean, recovering: boolean) {
  const log: string[] = [];
  const w: CreateWitness = {
    recovering: () => recovering,
    wasSent: () => sent,
    recordSent: () => void log.push('sent'),
    retract: () => void log.push('retract'),
    accounted: () => void log.push('accounted'),
    sentRef: () => null,
  };
  return { w, log };
}

describe('createOnce with a witness', () => {
  it('records the send in the witness before the request leaves', async () => {
    const steps = memorySteps();
    const { w, log } = witness(false, false);
    const result = await createOnce({
      steps,
      step: 'create-call',
      now: () => 1,
      platform: 'p',
      witness: w,
      send: () => {
        log.push('request');
        return Promise.resolve('id-1');
      },
    });
    expect(result).toBe('id-1');
    expect(log).toEqual(['sent', 'request', 'accounted']);
  });

  it('a create the outbox forgot: looked up first, and the marker put back', async () => {
    const steps = memorySteps();
    const { w } = witness(true, true);
    let sent = 0;
    const result = await createOnce({
      steps,
      step: 'create-call',
      now: () => 1,
      platform: 'p',
      witness: w,
      recover: () => Promise.resolve('found-1'),
      send: () => Promise.resolve(`new-${++sent}`),
    });
    expect(result).toBe('found-1');
    expect(sent).toBe(0);
    expect(steps.all['create-call:sent']).toMatchObject({ restoredFromWitness: true });
  });

  it('an at-most-once platform: review, with the reason, and no request', async () => {
    const steps = memorySteps();
    const { w } = witness(true, true);
    let sent = 0;
    const attempt = createOnce({
      steps,
      step: 'create-call',
      now: () => 1,
      platform: 'callab',
      witness: w,
      send: () => Promise.resolve(`new-${++sent}`),
    });
    await expect(attempt).rejects.toBeInstanceOf(ReviewError);
    await expect(attempt).rejects.toThrow(/progress witness shows the create request was already sent to callab/);
    expect(sent).toBe(0);
  });

  it('recovery mode: even a create the witness never saw looks up first', async () => {
    const steps = memorySteps();
    const { w } = witness(false, true);
    const order: string[] = [];
    await createOnce({
      steps,
      step: 'create-call',
      now: () => 1,
      platform: 'p',
      witness: w,
      recover: () => {
        order.push('lookup');
        return Promise.resolve(null);
      },
      send: () => {
        order.push('create');
        return Promise.resolve('id');
      },
    });
    expect(order).toEqual(['lookup', 'create']);
  });
});
