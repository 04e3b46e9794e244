// A damaged outbox must not duplicate calls. A real `callrelay serve` delivers 20 recordings to
// comswise and 20 to agent-calls; it is SIGKILLed mid-run, its WAL cut to half and its -shm
// deleted (what a power cut on a lying disk, or a careless copy, leaves), and started again. The
// outbox comes back older than what the platforms saw: the progress witness must notice, say so,
// and every create after it must look up before it creates. Then an old backup of outbox.db is
// restored over a finished run: the witness catches that too.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract.js';
import { inspectOutbox } from '../../electron/core/outbox/outbox-inspection.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { folderPerDestination } from '../fixtures/folder-per-destination.js';
import { pollUntil, runCli, startServe, type ServeProcess } from '../fixtures/serve-process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-outbox-damage-'));
const dataDir = path.join(tmp, 'data');
const dbFile = path.join(dataDir, 'outbox.db');
const configFile = path.join(tmp, 'config.json');
const PER_KIND = 20;
let sandbox: Sandbox;
let serve: ServeProcess | null = null;
// Every serve this file starts, so none outlives it whichever assertion fails.
const started: ServeProcess[] = [];
async function startTracked(files: Parameters<typeof startServe>[0]): Promise<ServeProcess> {
  const s = await startServe(files);
  started.push(s);
  return s;
}

type Page = ChannelOutput<'queue:list'>;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function perCallId(calls: Record<string, unknown>[], key: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const c of calls) map.set(String(c[key]), (map.get(String(c[key])) ?? 0) + 1);
  return map;
}

function duplicates(map: Map<string, number>): number {
  return [...map.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
}

/**
 * How much of a WAL file is live: SQLite reuses the file from its start after a checkpoint, so
 * the current frames are those from the header on whose salts match the header's.
 */
function liveWalBytes(file: string): number {
  const wal = fs.readFileSync(file);
  if (wal.length < 32) return wal.length;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let at = 32;
  while (
    at + 24 + pageSize <= wal.length &&
    wal.readUInt32BE(at + 8) === salt1 &&
    wal.readUInt32BE(at + 12) === salt2
  ) {
    at += 24 + pageSize;
  }
  return at;
}

/** Waits until no job is queued, running or waiting to retry, and returns the queue. */
async function settled(s: ServeProcess, expected = 2 * PER_KIND): Promise<Page['items']> {
  return pollUntil(
    'the queue to settle',
    async () => {
      const page = await s.call<Page>('queue:list', { limit: 200 });
      const busy = page.items.filter((j) => ['queued', 'running', 'retry-wait', 'waiting-file'].includes(j.state));
      return page.items.length === expected && busy.length === 0 ? page.items : undefined;
    },
    90_000,
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), resultDelayMs: 60_000 });
  const configs = sandbox.destinationConfigs().filter((c) => c.kind === 'comswise' || c.kind === 'agent-calls');
  const folders = folderPerDestination(path.join(tmp, 'recordings'), configs, (kind) =>
    kind === 'comswise' ? { groupingId: 'ticket-1', direction: 'inbound' } : { direction: 'inbound' },
  );
  for (const [k, kind] of ['comswise', 'agent-calls'].entries()) {
    for (let i = 0; i < PER_KIND; i++) {
      writeWav(path.join(tmp, 'recordings', kind, `${kind}-${String(i).padStart(2, '0')}.wav`), {
        seconds: 8,
        frequency: 200 + k * 1000 + i * 17,
      });
    }
  }
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      destinations: configs.map((c) => (c.kind === 'agent-calls' ? { ...c, concurrency: 1 } : c)),
      folders,
      // 20 × 128 KB at 512 KB/s: several seconds of uploads, so the kill lands mid-run.
      bandwidth: { defaultBytesPerSec: 512 * 1024, schedule: [] },
      concurrency: { global: 6, perDestination: 4 },
    }),
    { mode: 0o600 },
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(started.map((s) => s.kill()));
  await sandbox?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a damaged outbox is detected, and deliveries after it look up before they create', () => {
  it(
    'WAL cut in half and -shm deleted after SIGKILL: no duplicate call, warning visible',
    { timeout: 240_000 },
    async () => {
      serve = await startTracked({ configFile, dataDir });
      const s1 = serve;
      // Kill once a good part has been delivered and the rest is in flight.
      // Early, while the WAL has not wrapped round yet: cutting its second half then loses the
      // latest commits, creates among them.
      await pollUntil('4 comswise and 4 agent-calls calls', async () =>
        sandbox.calls().comswise.length >= 4 && sandbox.calls()['agent-calls'].length >= 4 ? true : undefined,
      );
      await s1.kill();
      const before = { comswise: sandbox.calls().comswise.length, agent: sandbox.calls()['agent-calls'].length };

      // An old backup, taken now, restored at the end.
      const backup = path.join(tmp, 'backup');
      fs.mkdirSync(backup);
      for (const suffix of ['', '-wal']) {
        if (fs.existsSync(dbFile + suffix)) fs.copyFileSync(dbFile + suffix, path.join(backup, `outbox.db${suffix}`));
      }

      // Cut in half: the live part of the WAL (what it holds since its last checkpoint).
      const walSize = liveWalBytes(`${dbFile}-wal`);
      fs.truncateSync(`${dbFile}-wal`, Math.floor(walSize / 2));
      fs.rmSync(`${dbFile}-shm`, { force: true });
      // What the damage took, read the way doctor reads it (read-only, the WAL left as it is).
      const lost = inspectOutbox(dbFile).recovery.lost;
      console.log(
        `outbox damage: killed after ${before.comswise} comswise and ${before.agent} agent-calls creates; ` +
          `outbox.db ${fs.statSync(dbFile).size} B, live WAL ${walSize} B cut to ${Math.floor(walSize / 2)} B; ` +
          `${lost} witnessed creates lost`,
      );

      serve = await startTracked({ configFile, dataDir });
      const s2 = serve;
      const jobs = await settled(s2);
      const comswise = perCallId(sandbox.calls().comswise, 'callId');
      const agent = perCallId(sandbox.calls()['agent-calls'], 'call_id');
      const agentCreates = sandbox
        .requests()
        .filter((r) => r.kind === 'agent-calls' && r.method === 'POST' && r.status === 200).length;
      const notDone = jobs.filter((j) => j.state !== 'done');
      console.log(
        `outbox damage: comswise ${sandbox.calls().comswise.length} calls for ${comswise.size} recordings ` +
          `(${duplicates(comswise)} duplicates); agent-calls ${agentCreates} accepted creates for ${agent.size} ` +
          `recordings; jobs not done: ${notDone.length} ${JSON.stringify(notDone.map((j) => `${j.state}: ${j.lastError}`).slice(0, 3))}`,
      );
      expect(duplicates(comswise)).toBe(0);
      expect(comswise.size).toBe(PER_KIND);
      expect(agentCreates).toBe(PER_KIND);
      expect(agent.size).toBe(PER_KIND);
      expect(notDone).toEqual([]);

      // Loud: the serve log, the dashboard, `status --json` and `doctor` all say it. (A cut that
      // took only frames already checkpointed loses nothing; the restored backup below always does.)
      const dashboard = await s2.call<ChannelOutput<'dashboard:get'>>('dashboard:get', {});
      await s2.stop();
      const status = await runCli(['status', '--data', dataDir, '--json']);
      expect(status.code).toBe(0);
      const statusJson = JSON.parse(status.stdout) as { recovery: { behind: boolean; message: string } | null };
      if (lost > 0) {
        expect(s2.output()).toMatch(/callrelay: WARNING: Since .*, the outbox is behind its progress witness/);
        expect(JSON.stringify(dashboard.warnings)).toMatch(/behind its progress witness/);
        expect(statusJson.recovery?.message).toMatch(/behind its progress witness/);
      }

      // The old backup comes back over the finished run.
      const sizeBefore = fs.statSync(dbFile).size;
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
      for (const suffix of ['', '-wal']) {
        const from = path.join(backup, `outbox.db${suffix}`);
        if (fs.existsSync(from)) fs.copyFileSync(from, dbFile + suffix);
      }
      // Doctor reports before it changes anything: the restored files stay byte-identical.
      const walBytes = fs.readFileSync(`${dbFile}-wal`);
      const doctor = await runCli(['doctor', '--config', configFile, '--data', dataDir]);
      expect(doctor.stdout).toMatch(/FAIL .*outbox is behind its progress witness/);
      expect(fs.readFileSync(`${dbFile}-wal`).equals(walBytes)).toBe(true);
      console.log(`outbox damage: clean stop left outbox.db at ${sizeBefore} B (checkpointed)`);

      const callsBefore = { comswise: sandbox.calls().comswise.length, agent: sandbox.calls()['agent-calls'].length };
      serve = await startTracked({ configFile, dataDir });
      const s3 = serve;
      const again = await settled(s3);
      console.log(
        `outbox damage (old backup restored): comswise ${sandbox.calls().comswise.length - callsBefore.comswise} new calls, ` +
          `agent-calls ${sandbox.calls()['agent-calls'].length - callsBefore.agent} new calls`,
      );
      expect(sandbox.calls().comswise.length).toBe(callsBefore.comswise);
      expect(sandbox.calls()['agent-calls'].length).toBe(callsBefore.agent);
      expect(again.filter((j) => j.state !== 'done')).toEqual([]);
      expect(s3.output()).toMatch(/behind its progress witness/);
      expect(sizeBefore).toBeGreaterThan(4096);
      await s3.stop();
    },
  );

  it(
    'WAL deleted outright after SIGKILL: no duplicate call or upload either (tus too)',
    { timeout: 240_000 },
    async () => {
      const base = path.join(tmp, 'deleted');
      const data = path.join(base, 'data');
      const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as {
        destinations: Record<string, unknown>[];
        folders: { path: string; destination: string }[];
      };
      const tus = sandbox.destinationConfigs().find((c) => c.kind === 'tus')!;
      config.destinations.push(tus);
      config.folders = config.folders.map((f) => ({ ...f, path: path.join(base, path.basename(f.path)) }));
      config.folders.push({ ...config.folders[0]!, path: path.join(base, 'tus'), destination: tus.name });
      for (const [k, f] of config.folders.entries()) {
        fs.mkdirSync(f.path, { recursive: true });
        for (let i = 0; i < PER_KIND; i++) {
          writeWav(path.join(f.path, `again-${String(i).padStart(2, '0')}.wav`), {
            seconds: 8,
            frequency: 3000 + k * 1000 + i * 13,
          });
        }
      }
      const file = path.join(base, 'config.json');
      fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
      const seen = {
        comswise: sandbox.calls().comswise.length,
        agent: sandbox.calls()['agent-calls'].length,
        tus: sandbox.calls().tus.length,
      };
      serve = await startTracked({ configFile: file, dataDir: data });
      await pollUntil('8 comswise calls', async () =>
        sandbox.calls().comswise.length - seen.comswise >= 8 ? true : undefined,
      );
      await serve.kill();
      fs.rmSync(path.join(data, 'outbox.db-wal'), { force: true });
      fs.rmSync(path.join(data, 'outbox.db-shm'), { force: true });
      const lost = inspectOutbox(path.join(data, 'outbox.db')).recovery.lost;
      serve = await startTracked({ configFile: file, dataDir: data });
      const s = serve;
      const jobs = await settled(s, 3 * PER_KIND);
      const uploads = perCallId(
        sandbox
          .calls()
          .tus.slice(seen.tus)
          .map((u) => ({ sha: sha256(fs.readFileSync(String(u.file))) })),
        'sha',
      );
      const comswise = perCallId(sandbox.calls().comswise.slice(seen.comswise), 'callId');
      const agent = perCallId(sandbox.calls()['agent-calls'].slice(seen.agent), 'call_id');
      const notDone = jobs.filter((j) => j.state !== 'done');
      console.log(
        `outbox damage (WAL deleted): comswise ${duplicates(comswise)} duplicates for ${comswise.size} recordings; ` +
          `agent-calls ${agent.size} calls; tus ${duplicates(uploads)} duplicate uploads for ${uploads.size}; ` +
          `${lost} witnessed creates lost; jobs not done: ${notDone.length}`,
      );
      expect(duplicates(comswise)).toBe(0);
      expect(comswise.size).toBe(PER_KIND);
      expect(agent.size).toBe(PER_KIND);
      expect(duplicates(uploads)).toBe(0);
      expect(uploads.size).toBe(PER_KIND);
      expect(notDone).toEqual([]);
      if (lost > 0) expect(s.output()).toMatch(/behind its progress witness/);
      await s.stop();
    },
  );
});
