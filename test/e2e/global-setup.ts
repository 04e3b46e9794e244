// Starts one `callrelay serve --demo` on a fresh data folder for the whole e2e run and tells the
// specs where it is through CALLRELAY_E2E_URL / CALLRELAY_E2E_DATA. serve needs its token also on
// loopback: CALLRELAY_E2E_URL is the printed sign-in URL (`http://…/#token=…`; `${url}#/queue`
// opens that view signed in), CALLRELAY_E2E_BASE the bare base URL and CALLRELAY_E2E_TOKEN the
// token for direct API calls (Authorization: Bearer).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSignInUrl } from '../fixtures/serve-process.js';
import { buildCli } from '../../scripts/build-cli.mjs';

export default async function globalSetup(): Promise<() => Promise<void>> {
  // bin/callrelay.js runs the compiled CLI: build it from the current source first.
  await buildCli();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-e2e-'));
  const child = spawn(process.execPath, ['bin/callrelay.js', 'serve', '--demo', '--data', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve --demo did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /CallRelay is running:\s+(\S+)/.exec(output);
      // The demo's folder and sandbox lines come right after the sign-in URL.
      if (match?.[1] && /Sandbox \(emulated platforms\):\s+\S+\n/.test(output)) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve --demo exited with ${code}:\n${output}`));
    });
  });
  const sandbox = /Sandbox \(emulated platforms\):\s+(\S+)/.exec(output)?.[1] ?? '';
  const { url: base, token } = parseSignInUrl(url);
  process.env.CALLRELAY_E2E_URL = url;
  process.env.CALLRELAY_E2E_BASE = base;
  process.env.CALLRELAY_E2E_TOKEN = token;
  process.env.CALLRELAY_E2E_DATA = dataDir;
  process.env.CALLRELAY_E2E_SANDBOX = sandbox;
  // What a person reads at start: the specs check that the app's address comes first.
  process.env.CALLRELAY_E2E_STARTUP = output;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
