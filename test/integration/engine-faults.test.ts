// 50 recordings through the sandbox with 30% of requests faulted (500, 503, 429 with Retry-After,
// reset mid-body, lost answers, stalls) plus expiring presigned URLs: every recording arrives,
// and the platform holds exactly one call for each.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { makeTempDir } from '../fixtures/engine/recordings.js';
import { makeCallInputs, startRun, type Run } from '../fixtures/engine/sandbox-run.js';
import { waitFor } from '../fixtures/engine/wait-for.js';

describe('engine under injected faults', () => {
  let sandbox: Sandbox;
  let run: Run | null = null;
  const tmp = makeTempDir('callrelay-faults-');

  beforeAll(async () => {
    sandbox = await startSandbox({
      resultDelayMs: 60_000,
      faults: {
        error500Rate: 0.05,
        error503Rate: 0.05,
        rateLimitRate: 0.05,
        retryAfterSec: 1,
        resetRate: 0.05,
        dropResponseRate: 0.05,
        stallRate: 0.05,
        stallMs: 1500,
        expireRate: 0.1,
        kinds: ['comswise'],
        seed: 20251122,
      },
    });
  });

  afterAll(async () => {
    await run?.close();
    await sandbox?.close();
    tmp.remove();
  });

  it('delivers all 50 recordings exactly once', { timeout: 90_000 }, async () => {
    const config = sandbox.destinationConfigs().find((c) => c.kind === 'comswise')!;
    const inputs = makeCallInputs(join(tmp.dir, 'rec'), 50, 64 * 1024, config.name);
    run = startRun({ file: join(tmp.dir, 'outbox.db'), config, inputs, engine: { stallTimeoutMs: 1000 } });
    const outbox = run.outbox;
    await waitFor(
      () => outbox.counts().done === 50,
      `all 50 done (now ${JSON.stringify(outbox.counts())})`,
      75_000,
      100,
    );
    const faults = sandbox.requests().filter((r) => r.fault !== null);
    const kinds = new Set(faults.map((r) => r.fault));
    const created = sandbox.calls().comswise.map((c) => String(c.callId));
    const perCall = new Map<string, number>();
    for (const id of created) perCall.set(id, (perCall.get(id) ?? 0) + 1);
    const duplicates = [...perCall.values()].filter((n) => n > 1).length;
    console.log(
      `faults: ${faults.length} injected of ${sandbox.requests().length} requests (${[...kinds].join(', ')}); ` +
        `calls: ${created.length}; duplicates: ${duplicates}`,
    );
    expect(duplicates).toBe(0);
    expect(new Set(created)).toEqual(new Set(inputs.map((i) => i.call.callId)));
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    expect(outbox.integrityCheck()).toBe('ok');
  });
});
