// Every kind end to end through the real outbox and engine (leases, committed steps, the engine's
// throttled body) against the sandbox: each recording becomes exactly one call (or one finished
// tus upload) carrying its identity, and every job ends done with the platform's id.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnqueueInput } from '../../electron/core/outbox/intake-port.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { destinationKinds, type DestinationKind } from '../../shared/model.js';
import { makeRecording, makeTempDir } from '../fixtures/engine/recordings.js';
import { startRun } from '../fixtures/engine/sandbox-run.js';
import { waitFor } from '../fixtures/engine/wait-for.js';

let sandbox: Sandbox;
const tmp = makeTempDir('callrelay-destinations-engine-');

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: path.join(tmp.dir, 'sandbox') });
});
afterAll(async () => {
  await sandbox.close();
  tmp.remove();
});

function inputs(kind: DestinationKind, count: number): EnqueueInput[] {
  const dir = path.join(tmp.dir, kind);
  return Array.from({ length: count }, (_, i) => {
    const recording = makeRecording(dir, `${kind}-${i}.wav`, randomBytes(65_536 + i));
    return {
      recording,
      call: {
        callId: `${kind}-${recording.sha256.slice(0, 16)}`,
        from: `+1555010000${i}`,
        to: '+15550009999',
        direction: 'inbound',
        startTime: `2025-01-01T09:00:0${i}Z`,
        endTime: `2025-01-01T09:05:0${i}Z`,
        status: 'completed',
        customerName: `Customer ${i}`,
      },
      destination: kind,
      folder: dir,
      state: 'queued',
      reviewIssues: [],
    };
  });
}

/** How each platform shows which recording a call came from. */
function identities(kind: DestinationKind): string[] {
  const calls = sandbox.calls()[kind];
  switch (kind) {
    case 'comswise':
      return calls.map((c) => String(c.callId));
    case 'agent-calls':
      return calls.map((c) => String(c.call_id));
    case 'callab':
      return calls.map((c) => String((c.metadata as Record<string, unknown>).callrelay_call_id));
    case 'tus':
      // @tus/server hands the metadata over decoded.
      return calls.map((c) => String((c.metadata as Record<string, string>).callId));
    case 'add-calls':
      return calls.map((c) => String((c.file as { sha256: string }).sha256));
    case 'cx':
      return calls.map((c) => String(c.customerName));
  }
}

function expected(kind: DestinationKind, jobs: EnqueueInput[]): string[] {
  if (kind === 'add-calls') return jobs.map((j) => j.recording.sha256);
  if (kind === 'cx') return jobs.map((j) => j.call.customerName!);
  return jobs.map((j) => j.call.callId);
}

describe('every destination kind through the engine', () => {
  for (const kind of destinationKinds) {
    it(`${kind}: 3 recordings, 3 jobs done, exactly one call each`, { timeout: 30_000 }, async () => {
      const config = sandbox.destinationConfigs().find((c) => c.kind === kind)!;
      const jobs = inputs(kind, 3);
      const run = startRun({ file: path.join(tmp.dir, `${kind}.db`), config, inputs: jobs });
      try {
        await waitFor(
          () => run.outbox.counts().done === 3,
          `${kind}: 3 done (now ${JSON.stringify(run.outbox.counts())}, last error ${run.outbox
            .list({ limit: 5 })
            .rows.map((r) => r.lastError)
            .join(' | ')})`,
          25_000,
          50,
        );
        expect(identities(kind).sort()).toEqual(expected(kind, jobs).sort());
        const rows = run.outbox.list({ limit: 10 }).rows;
        for (const row of rows) {
          const job = run.outbox.getJob(row.id)!;
          expect(job.state).toBe('done');
          expect(job.remoteId, `${kind} job ${job.id} has the platform's id`).toBeTruthy();
        }
      } finally {
        await run.close();
      }
    });
  }
});
