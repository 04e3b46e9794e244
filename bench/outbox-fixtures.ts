// Shared by the outbox benches: the generated jobs (from the tests' recording builder), the state mix of a long-running station, and
// the timing helpers, so every bench measures the same kind of outbox the same way.
import Database from 'better-sqlite3';
import type { EnqueueInput } from '../electron/core/outbox/intake-port.js';
import { enqueueInput, fakeRecording, sha256Of } from '../test/fixtures/engine/recordings.js';

export function input(n: number, prefix = 'job'): EnqueueInput {
  const fileName = `${prefix}-${n}.wav`;
  const folder = `/recordings/folder-${n % 5}`;
  const sha256 = sha256Of(`${prefix}-${n}`);
  const recording = fakeRecording(n, { path: `${folder}/${fileName}`, fileName, sizeBytes: 100_000 + n, sha256 });
  return enqueueInput(
    { ...recording, durationSec: 60 },
    {
      call: {
        callId: `cr-${sha256.slice(0, 24)}`,
        from: `+1555${String(n).padStart(7, '0')}`,
        to: '+15550009999',
        startTime: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
      },
      destination: `dest-${n % 3}`,
      folder,
    },
  );
}

export function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = samples.reduce((s, x) => s + x, 0);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { ops: samples.length / (total / 1000), p50: p(0.5), p95: p(0.95), max: sorted[sorted.length - 1]! };
}

export function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function row(name: string, s: ReturnType<typeof stats>, reference?: ReturnType<typeof stats>) {
  const ratio = reference ? `  ×${(reference.ops / s.ops).toFixed(2)} slower than raw` : '';
  console.log(
    `${name.padEnd(44)} ${s.ops.toFixed(0).padStart(9)} ops/s  p50 ${s.p50.toFixed(3).padStart(8)} ms  p95 ${s.p95
      .toFixed(3)
      .padStart(8)} ms${ratio}`,
  );
}

/** Most delivered, some queued, failed and waiting for review, as on a station after months. */
export function mixStates(file: string): void {
  const setup = new Database(file);
  setup.exec(`UPDATE jobs SET state = CASE
      WHEN seq % 100 < 90 THEN 'done' WHEN seq % 100 < 95 THEN 'queued'
      WHEN seq % 100 < 98 THEN 'failed' ELSE 'needs-review' END,
    last_error = CASE WHEN seq % 100 BETWEEN 95 AND 97 THEN 'HTTP 422: agent_id is not a known agent' END`);
  setup.exec('PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;');
  setup.close();
}
