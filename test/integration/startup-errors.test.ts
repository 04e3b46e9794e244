// Start-up errors say the real cause and the fix in one line, and `serve` exits non-zero before
// anything starts: a read-only data folder, a port already in use, a data folder another
// CallRelay works on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { runCli, startServe } from '../fixtures/serve-process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-startup-'));
const configFile = path.join(tmp, 'config.json');
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox') });
  const config = sandbox.destinationConfigs().find((c) => c.kind === 'comswise')!;
  fs.writeFileSync(configFile, JSON.stringify({ destinations: [config], folders: [] }), { mode: 0o600 });
});

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The start failed with exactly one `callrelay:` line, no stack trace, and a non-zero code. */
function expectOneLine(run: { code: number | null; stdout: string; stderr: string }): string {
  expect(run.code, run.stderr).not.toBe(0);
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).not.toMatch(/CallRelay is running/);
  return lines[0]!;
}

describe('start-up errors', () => {
  it('port in use: names the port and the fix, before the core starts', { timeout: 60_000 }, async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const run = await runCli(
        ['serve', '--config', configFile, '--data', path.join(tmp, 'port'), '--port', String(port)],
        {
          LOG_LEVEL: 'info',
        },
      );
      const line = expectOneLine({
        ...run,
        stderr: run.stderr
          .split('\n')
          .filter((l) => !l.startsWith('{'))
          .join('\n'),
      });
      expect(line).toBe(
        `callrelay: port ${port} on 127.0.0.1 is already in use (another CallRelay, or another program); stop that one, or start with another --port`,
      );
      // Nothing started: the core never logged that it did.
      expect(run.stderr).not.toMatch(/core started/);
    } finally {
      blocker.close();
    }
  });

  it('another CallRelay on the same data folder: named, with its pid', { timeout: 90_000 }, async () => {
    const dataDir = path.join(tmp, 'shared');
    const first = await startServe({ configFile, dataDir });
    try {
      const run = await runCli(['serve', '--config', configFile, '--data', dataDir, '--port', '0']);
      const line = expectOneLine(run);
      expect(line).toBe(
        `callrelay: the data folder ${dataDir} is in use by another CallRelay (pid ${first.child.pid}); stop that one first, or start this one with another --data folder`,
      );
    } finally {
      await first.stop();
    }
    // Once the first has stopped, the folder is free again.
    const again = await startServe({ configFile, dataDir });
    await again.stop();
  });

  it.skipIf(process.getuid?.() !== 0)(
    'read-only data folder: says read-only, not "restore a backup"',
    { timeout: 90_000 },
    async () => {
      const dataDir = path.join(tmp, 'ro');
      fs.mkdirSync(dataDir);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dataDir]);
      try {
        // An outbox that was fine, on a disk that then became read-only.
        const before = await startServe({ configFile, dataDir });
        await before.stop();
        execFileSync('mount', ['-o', 'remount,ro', dataDir]);
        const run = await runCli(['serve', '--config', configFile, '--data', dataDir, '--port', '0']);
        const line = expectOneLine(run);
        expect(line).toBe(
          `callrelay: the data folder ${dataDir} is on a read-only file system (EROFS); mount it read-write, or start with --data pointing at a writable folder`,
        );
        expect(line).not.toMatch(/backup/);
      } finally {
        execFileSync('umount', ['-l', dataDir]);
      }
    },
  );
});
