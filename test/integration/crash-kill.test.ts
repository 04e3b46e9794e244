// Crash test: a child process runs the outbox and engine against the sandbox with 20
// recordings; the test SIGKILLs it at random moments (at least 10 times) and starts it again.
// Afterwards every recording is done, the sandbox holds exactly one call for each, and the
// database passes integrity_check.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { makeTempDir } from '../fixtures/engine/recordings.js';
import { makeCallInputs } from '../fixtures/engine/sandbox-run.js';

const CHILD = join(import.meta.dirname, '../fixtures/engine/crash-child.ts');
const KILLS = 10;
const TUS_KILLS = 5;

interface ChildRun {
  child: ChildProcess;
  ready: Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

function startChild(spec: string): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, CRASH_SPEC: spec },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('READY')) onReady();
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      onReady();
      resolve({ code, signal, output });
    }),
  );
  return { child, ready, exit };
}

describe('crash: SIGKILL at random moments', () => {
  let sandbox: Sandbox;
  const tmp = makeTempDir('callrelay-crash-');
  let current: ChildRun | null = null;

  beforeAll(async () => {
    sandbox = await startSandbox({ resultDelayMs: 60_000 });
  });
  afterAll(async () => {
    current?.child.kill('SIGKILL');
    await sandbox?.close();
    tmp.remove();
  });

  /** Starts and SIGKILLs the child `kills` times at random moments, then lets a last life finish. */
  async function killAndRestart(spec: string, kills: number) {
    let killed = 0;
    let finishedEarly = false;
    const deadline = Date.now() + 80_000;
    while (killed < kills && Date.now() < deadline) {
      current = startChild(spec);
      await current.ready;
      const delay = 100 + Math.floor(Math.random() * 700);
      const outcome = await Promise.race([
        current.exit.then((e) => ({ exited: e })),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), delay)),
      ]);
      if (outcome) {
        // The child finished everything before this kill: nothing left to interrupt.
        expect(outcome.exited.code, outcome.exited.output).toBe(0);
        finishedEarly = true;
        break;
      }
      current.child.kill('SIGKILL');
      const exited = await current.exit;
      expect(exited.signal).toBe('SIGKILL');
      killed++;
    }
    // The last life runs to the end.
    current = startChild(spec);
    const last = await Promise.race([
      current.exit,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(10_000, deadline + 20_000 - Date.now()))),
    ]);
    expect(last, 'the final run did not finish in time').not.toBeNull();
    expect(last!.code, last!.output).toBe(0);
    return { killed, finishedEarly };
  }

  function inspect(file: string) {
    const db = new Database(file, { readonly: true });
    const states = db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all();
    const integrity = db.pragma('integrity_check', { simple: true });
    const reclaimed = (
      db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'lease-reclaimed'").get() as { n: number }
    ).n;
    db.close();
    return { states, integrity, reclaimed };
  }

  it('delivers every recording exactly once across at least 10 kills (comswise)', { timeout: 120_000 }, async () => {
    const config = sandbox.destinationConfigs().find((c) => c.kind === 'comswise')!;
    const inputs = makeCallInputs(join(tmp.dir, 'rec'), 20, 512 * 1024, config.name);
    const file = join(tmp.dir, 'outbox.db');
    // 10 MiB at 1 MiB/s: the work outlasts ten short lives of the child (each also starts with a
    // 0.25 s burst), so kills land mid-transfer, mid-create and between steps.
    const spec = JSON.stringify({ file, config, inputs, bytesPerSec: 1024 * 1024 });
    const { killed, finishedEarly } = await killAndRestart(spec, KILLS);

    const created = sandbox.calls().comswise.map((c) => String(c.callId));
    const perCall = new Map<string, number>();
    for (const id of created) perCall.set(id, (perCall.get(id) ?? 0) + 1);
    const duplicates = [...perCall.values()].filter((n) => n > 1).length;
    const { states, integrity, reclaimed } = inspect(file);
    console.log(
      `crash (comswise): ${killed} kills survived${finishedEarly ? ' (work finished before the last planned kill)' : ''}, ` +
        `${reclaimed} leases taken back, ${created.length} calls, ${duplicates} duplicates`,
    );
    expect(killed).toBeGreaterThanOrEqual(KILLS);
    expect(states).toEqual([{ state: 'done', n: 20 }]);
    expect(duplicates).toBe(0);
    expect(new Set(created)).toEqual(new Set(inputs.map((i) => i.call.callId)));
    expect(integrity).toBe('ok');
  });

  it(
    'resumes tus uploads at the server offset across kills, each file complete and finished once',
    { timeout: 120_000 },
    async () => {
      const config = sandbox.destinationConfigs().find((c) => c.kind === 'tus')!;
      // 8 MiB at 1 MiB/s: more than five short lives can send, so every planned kill lands.
      const inputs = makeCallInputs(join(tmp.dir, 'tus-rec'), 8, 1024 * 1024, config.name);
      const file = join(tmp.dir, 'tus-outbox.db');
      const spec = JSON.stringify({ file, config, inputs, bytesPerSec: 1024 * 1024 });
      const { killed } = await killAndRestart(spec, TUS_KILLS);

      const uploads = sandbox.calls().tus as { metadata?: Record<string, string | null>; file: string }[];
      const bySha = new Map<string, number>();
      for (const u of uploads) {
        const sha = createHash('sha256').update(readFileSync(u.file)).digest('hex');
        bySha.set(sha, (bySha.get(sha) ?? 0) + 1);
      }
      const { states, integrity, reclaimed } = inspect(file);
      console.log(
        `crash (tus): ${killed} kills survived, ${reclaimed} leases taken back, ${uploads.length} finished uploads`,
      );
      expect(killed).toBeGreaterThanOrEqual(TUS_KILLS);
      expect(states).toEqual([{ state: 'done', n: 8 }]);
      // Every finished upload is byte-identical to its recording, and none finished twice.
      expect([...bySha.entries()].sort()).toEqual(
        inputs.map((i) => [i.recording.sha256, 1] as [string, number]).sort(),
      );
      expect(integrity).toBe('ok');
    },
  );
});
