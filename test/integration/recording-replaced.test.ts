// The bytes sent are the bytes described. A real `callrelay serve` queues recordings for comswise,
// add-calls and tus while deliveries are paused; each file is then replaced under its job, once
// with other audio of the same size and the old mtime put back (what `touch -r` or `cp -p` + `mv`
// leave), once with a file of another size. The platform must get nothing under the old identity,
// the new content must arrive as its own job, and the old job must say why it stopped.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { makeWav } from '../fixtures/audio/wav.js';
import { folderPerDestination } from '../fixtures/folder-per-destination.js';
import { pollUntil, startServe, type ServeProcess } from '../fixtures/serve-process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-replaced-'));
const KINDS = ['comswise', 'add-calls', 'tus'] as const;
type Kind = (typeof KINDS)[number];
let sandbox: Sandbox;
let serve: ServeProcess;

type Page = ChannelOutput<'queue:list'>;
type Job = ChannelOutput<'job:get'>;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What each platform received, as content hashes (comswise: the callIds it created). */
function received(kind: Kind): string[] {
  const calls = sandbox.calls();
  if (kind === 'add-calls') return calls['add-calls'].map((c) => String((c.file as { sha256: string }).sha256));
  if (kind === 'tus') return calls.tus.map((u) => sha(fs.readFileSync(String(u.file))));
  return calls.comswise.map((c) => String(c.callId));
}

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), resultDelayMs: 60_000 });
  const configs = sandbox.destinationConfigs().filter((c) => (KINDS as readonly string[]).includes(c.kind));
  const folders = folderPerDestination(path.join(tmp, 'recordings'), configs, (kind) =>
    kind === 'comswise'
      ? { groupingId: 'ticket-1', direction: 'inbound', startTime: '2025-03-01T10:00:00Z' }
      : { customerName: 'Acme' },
  );
  const configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ destinations: configs, folders }), { mode: 0o600 });
  serve = await startServe({ configFile, dataDir: path.join(tmp, 'data') });
}, 90_000);

afterAll(async () => {
  await serve?.kill();
  await sandbox?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function queuedJobs(names: string[]): Promise<Page['items']> {
  return pollUntil('the recordings to be queued', async () => {
    const page = await serve.call<Page>('queue:list', { limit: 200 });
    const jobs = page.items.filter((j) => names.includes(j.fileName) && j.state === 'queued');
    return jobs.length === names.length ? jobs : undefined;
  });
}

async function replaceAndDeliver(round: string, replacement: (original: Buffer, i: number) => Buffer) {
  await serve.call('engine:pause', {});
  const originals = new Map<Kind, Buffer>();
  const replaced = new Map<Kind, Buffer>();
  KINDS.forEach((kind, i) => {
    const audio = makeWav({ seconds: 3, frequency: 300 + i * 40 + (round === 'size' ? 7 : 0) });
    originals.set(kind, audio);
    fs.writeFileSync(path.join(tmp, 'recordings', kind, `${round}-${kind}.wav`), audio);
  });
  const names = KINDS.map((k) => `${round}-${k}.wav`);
  const old = await queuedJobs(names);
  const oldDetails = new Map<Kind, Job>();
  for (const [i, kind] of KINDS.entries()) {
    const file = path.join(tmp, 'recordings', kind, `${round}-${kind}.wav`);
    const st = fs.statSync(file);
    const next = replacement(originals.get(kind)!, i);
    replaced.set(kind, next);
    // Another file moved over it, its times put back to the nanosecond (`touch -r`): nothing in
    // a stat says it changed, so the watcher takes it for the file it already has.
    fs.writeFileSync(`${file}.tmp`, next);
    if (next.length === st.size) execFileSync('touch', ['-r', file, `${file}.tmp`]);
    else fs.utimesSync(`${file}.tmp`, st.atime, st.mtime);
    fs.renameSync(`${file}.tmp`, file);
    const job = old.find((j) => j.fileName === `${round}-${kind}.wav`)!;
    oldDetails.set(kind, await serve.call<Job>('job:get', { id: job.id }));
  }
  await serve.call('engine:resume', {});
  const settled = await pollUntil(
    'old jobs to stop and the new content to be delivered',
    async () => {
      const page = await serve.call<Page>('queue:list', { limit: 200 });
      const mine = page.items.filter((j) => names.includes(j.fileName));
      const oldSettled = old.every((o) => mine.find((j) => j.id === o.id)?.state === 'failed');
      const fresh = mine.filter((j) => !old.some((o) => o.id === j.id));
      return oldSettled && fresh.length === KINDS.length && fresh.every((j) => j.state === 'done')
        ? { mine, fresh }
        : undefined;
    },
    60_000,
  );
  return { old, oldDetails, originals, replaced, ...settled };
}

describe('a recording replaced after it was queued', () => {
  it(
    'same size, mtime restored: nothing under the old identity, the new content as its own job',
    { timeout: 120_000 },
    async () => {
      const run = await replaceAndDeliver('same', (original, i) => {
        const other = makeWav({ seconds: 3, frequency: 900 + i * 40 });
        expect(other.length).toBe(original.length);
        return other;
      });
      for (const kind of KINDS) {
        const old = run.mine.find((j) => run.old.some((o) => o.id === j.id) && j.fileName === `same-${kind}.wav`)!;
        expect(old.lastError, kind).toMatch(
          /The recording changed after it was queued .*no call was created for this job; re-read as a new job/,
        );
        const oldSha = sha(run.originals.get(kind)!);
        const newSha = sha(run.replaced.get(kind)!);
        const fresh = run.fresh.find((j) => j.fileName === `same-${kind}.wav`)!;
        const freshDetail = await serve.call<Job>('job:get', { id: fresh.id });
        expect(freshDetail.recording.sha256).toBe(newSha);
        const got = received(kind);
        if (kind === 'comswise') {
          expect(got).not.toContain(run.oldDetails.get(kind)!.call.callId);
          expect(got.filter((c) => c === freshDetail.call.callId)).toHaveLength(1);
        } else {
          expect(got).not.toContain(oldSha);
          expect(got.filter((s) => s === newSha)).toHaveLength(1);
        }
      }
    },
  );

  it('another size: the old job fails with that reason, not retried for ever', { timeout: 120_000 }, async () => {
    const run = await replaceAndDeliver('size', (_original, i) => makeWav({ seconds: 4, frequency: 1500 + i * 40 }));
    for (const kind of KINDS) {
      const old = run.mine.find((j) => run.old.some((o) => o.id === j.id) && j.fileName === `size-${kind}.wav`)!;
      expect(old.lastError, kind).toMatch(
        /The recording changed size after it was queued \(it is now \d+ bytes, it was \d+/,
      );
      expect(old.attempts, kind).toBeLessThanOrEqual(1);
      const got = received(kind);
      const newSha = sha(run.replaced.get(kind)!);
      if (kind !== 'comswise') {
        expect(got).not.toContain(sha(run.originals.get(kind)!));
        expect(got.filter((s) => s === newSha)).toHaveLength(1);
      } else {
        expect(got).not.toContain(run.oldDetails.get(kind)!.call.callId);
      }
    }
  });
});
