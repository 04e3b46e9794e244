// Offline: the destination's network goes away. Its queue sleeps and probes instead of spending
// attempts, and delivery resumes by itself within seconds of the link returning.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { makeTempDir } from '../fixtures/engine/recordings.js';
import { makeCallInputs, startRun, type Run } from '../fixtures/engine/sandbox-run.js';
import { startSwitchableProxy, type SwitchableProxy } from '../fixtures/engine/switchable-proxy.js';
import { waitFor } from '../fixtures/engine/wait-for.js';

describe('engine while the destination is offline', () => {
  let sandbox: Sandbox;
  let proxy: SwitchableProxy;
  let run: Run | null = null;
  const tmp = makeTempDir('callrelay-offline-');

  beforeAll(async () => {
    sandbox = await startSandbox({ resultDelayMs: 60_000 });
    const url = new URL(sandbox.url);
    proxy = await startSwitchableProxy({ host: url.hostname, port: Number(url.port) });
  });
  afterAll(async () => {
    await run?.close();
    await proxy?.close();
    await sandbox?.close();
    tmp.remove();
  });

  it('burns no attempts while down and resumes within seconds of the link returning', { timeout: 60_000 }, async () => {
    const direct = sandbox.destinationConfigs().find((c) => c.kind === 'comswise')!;
    const config = { ...direct, baseUrl: direct.baseUrl.replace(sandbox.url, proxy.origin) };
    const inputs = makeCallInputs(join(tmp.dir, 'rec'), 10, 32 * 1024, config.name);
    await proxy.down();
    run = startRun({
      file: join(tmp.dir, 'outbox.db'),
      config,
      inputs,
      engine: { probe: { baseMs: 200, maxMs: 1000 } },
    });
    const { outbox, engine } = run;
    await waitFor(() => engine.health().some((h) => h.name === config.name && !h.online), 'destination offline');
    // Down for a while: several probe rounds.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const jobs = () =>
      inputs.map((i) => outbox.findBySha(i.recording.sha256, config.name)!.id).map((id) => outbox.getJob(id)!);
    expect(jobs().map((j) => j.attempts)).toEqual(inputs.map(() => 0));
    expect(jobs().every((j) => j.state === 'queued' && j.nextAttemptAt === null)).toBe(true);
    expect(sandbox.requests().filter((r) => r.path.includes('/comswise/v1/'))).toHaveLength(0);

    await proxy.up();
    const back = Date.now();
    await waitFor(() => outbox.counts().done === inputs.length, 'all delivered after the link returned', 30_000, 50);
    const seconds = (Date.now() - back) / 1000;
    console.log(
      `offline: resumed and delivered ${inputs.length} recordings ${seconds.toFixed(1)} s after the link returned`,
    );
    expect(seconds).toBeLessThan(15);
    expect(engine.health().find((h) => h.name === config.name)).toMatchObject({ online: true, offlineSince: null });
    expect(Math.max(...jobs().map((j) => j.attempts))).toBe(1);
    const created = sandbox.calls().comswise.map((c) => String(c.callId));
    expect(created.sort()).toEqual(inputs.map((i) => i.call.callId).sort());
  });
});
