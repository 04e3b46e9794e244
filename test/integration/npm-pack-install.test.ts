// SLOW (about 2 minutes on an idle machine, most of it compiling better-sqlite3; bounded at 7 min per npm step): the tarball a site server installs.
// `npm pack`, `npm install -g --prefix <tmp>` of the tarball (dependencies from the npm cache),
// then the installed `callrelay --help` and `callrelay serve --demo` run with a loader hook that
// records every module they load: none may be TypeScript, none may come from tsx or from this
// checkout, and tsx is not installed at all.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const hook = path.join(root, 'test', 'fixtures', 'load-log', 'record-loads.mjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-pack-'));
const prefix = path.join(tmp, 'prefix');
const installed = path.join(prefix, 'lib', 'node_modules', 'callrelay');

/** The environment without what the npm running this test set (its prefix, its lifecycle). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ...extra };
}

/** The bound on each npm step: about 2 minutes on an idle 2-core machine, far more when shared. */
const NPM_BOUND_MS = 420_000;

function npm(args: string[], cwd: string): string {
  // JOBS: node-gyp compiles better-sqlite3 on every core.
  const env = { ...cleanEnv(), JOBS: 'max' };
  const result = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: NPM_BOUND_MS });
  if (result.error || result.signal) {
    throw new Error(
      `npm ${args.join(' ')} did not finish within ${NPM_BOUND_MS / 1000} s (${result.signal ?? result.error?.message})`,
    );
  }
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function loaded(log: string): string[] {
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^(esm|cjs) /, ''))
    .filter((entry) => !entry.startsWith('node:') && !entry.includes('/test/fixtures/load-log/'));
}

function withLog(name: string): { log: string; env: NodeJS.ProcessEnv } {
  const log = path.join(tmp, `${name}.log`);
  return { log, env: cleanEnv({ CALLRELAY_LOAD_LOG: log, NODE_OPTIONS: `--import=${hook}`, LOG_LEVEL: 'warn' }) };
}

function expectCompiledOnly(files: string[]): void {
  expect(files.length).toBeGreaterThan(0);
  expect(files.filter((f) => /\.(c|m)?tsx?$/.test(f))).toEqual([]);
  expect(files.filter((f) => f.includes('/tsx/'))).toEqual([]);
  // Everything came from the installed package, nothing from this checkout.
  const outside = files.filter((f) => !f.replace(/^file:\/\//, '').startsWith(installed));
  expect(outside).toEqual([]);
}

beforeAll(() => {
  const out = npm(['pack', '--pack-destination', tmp, '--json'], root);
  // The prepack build prints to the same stdout first (with colour codes, which hold '['), so the
  // report is the JSON array that starts a line.
  const report = /^\[\s*\{/m.exec(out);
  if (!report) throw new Error(`npm pack printed no JSON report:\n${out}`);
  const { filename } = (JSON.parse(out.slice(report.index)) as { filename: string }[])[0]!;
  npm(
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(tmp, filename)],
    tmp,
  );
}, 2 * NPM_BOUND_MS);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the npm tarball (slow: installs and compiles better-sqlite3)', () => {
  it('the load recorder does see TypeScript when the CLI runs through tsx (control)', () => {
    const { log, env } = withLog('control');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli.ts', '--help'], { cwd: root, env });
    expect(r.status).toBe(0);
    expect(loaded(log).some((f) => f.endsWith('/electron/cli.ts'))).toBe(true);
  });

  it('ships compiled JavaScript, the UI and no tsx', () => {
    expect(fs.existsSync(path.join(installed, 'dist-cli', 'cli.js'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'dist', 'renderer', 'index.html'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'electron'))).toBe(false);
    expect(fs.existsSync(path.join(installed, 'node_modules', 'tsx'))).toBe(false);
  });

  it('`callrelay --help` runs from compiled JavaScript only', () => {
    const { log, env } = withLog('help');
    const r = spawnSync(path.join(prefix, 'bin', 'callrelay'), ['--help'], { cwd: tmp, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('callrelay serve');
    expectCompiledOnly(loaded(log));
  });

  it('`callrelay serve --demo` serves the UI, stops on SIGTERM with 0, and loaded no TypeScript', async () => {
    const { log, env } = withLog('serve');
    const child = spawn(
      path.join(prefix, 'bin', 'callrelay'),
      ['serve', '--demo', '--data', path.join(tmp, 'demo'), '--port', '0'],
      { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve --demo did not start:\n${output}`)), 60_000);
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        const match = /CallRelay is running:\s+(\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const files = loaded(log);
    expect(files.some((f) => f.includes('better-sqlite3'))).toBe(true);
    expectCompiledOnly(files);
  }, 90_000);
});
