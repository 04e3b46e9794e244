// The desktop app for real: launch Electron on a fresh data folder in demo mode (built-in
// sandbox), see the queue, drop a WAV into the watched folder and watch its row reach `done`.
// It needs the Electron binary, a display, and better-sqlite3 built for Electron; where any is
// missing it is skipped and says why. better-sqlite3 is switched back to the Node build after.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { findElectronBinary } from '../../scripts/find-electron-binary.mjs';
import { rebuildForElectron, restoreNodeBuild } from '../../scripts/better-sqlite3-runtime.mjs';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { writeWav } from '../fixtures/audio/wav.js';

const root = path.resolve(import.meta.dirname, '../..');
const binary = findElectronBinary(root);

function whyNot(): string | null {
  if (binary.path === null)
    return `${binary.reason}; the desktop app cannot be launched here (npm run demo covers the UI)`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display (DISPLAY is not set); run under xvfb-run to test the desktop app on Linux';
  }
  return null;
}

const skipReason = whyNot();
if (skipReason) console.log(`[electron] skipped: ${skipReason}`);

test.describe('desktop app', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  test.describe.configure({ timeout: 240_000 });

  let app: ElectronApplication | null = null;
  let dataDir = '';
  let switched = false;

  test.beforeAll(async () => {
    test.setTimeout(600_000);
    if (!fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
      const vite = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['vite', 'build'], {
        cwd: root,
        stdio: 'inherit',
      });
      expect(vite.status, 'vite build').toBe(0);
    }
    await buildElectron();
    switched = true;
    test.skip(
      !rebuildForElectron(root, binary.version!),
      'better-sqlite3 could not be built for Electron here (no prebuilt binary or headers reachable)',
    );
  });

  test.afterAll(async () => {
    await app?.close().catch(() => {});
    if (switched && !restoreNodeBuild(root)) console.error('[electron] run `npm rebuild better-sqlite3`');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('launches, shows the queue, and delivers a recording to the sandbox', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-electron-'));
    const args = [root];
    // Chromium refuses to run as root without this; the page sandbox (webPreferences) still applies.
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    app = await electron.launch({
      executablePath: binary.path!,
      args,
      cwd: root,
      env: { ...process.env, CALLRELAY_DATA_DIR: dataDir, CALLRELAY_DEMO: '1', ELECTRON_ENABLE_LOGGING: '1' },
      timeout: 60_000,
    });
    const page = await app.firstWindow();
    await expect(page).toHaveURL(/^app:\/\/callrelay\//);
    await expect(page.getByRole('heading', { name: 'Queue' })).toBeVisible({ timeout: 30_000 });

    // The page has the bridge and no Node.
    const surface = await page.evaluate(() => {
      const w = globalThis as unknown as { callrelay?: object; require?: unknown; process?: unknown };
      return { bridge: Object.keys(w.callrelay ?? {}).sort(), require: typeof w.require, process: typeof w.process };
    });
    expect(surface).toEqual({
      bridge: ['getPathForFile', 'invoke', 'subscribe'],
      require: 'undefined',
      process: 'undefined',
    });

    // A FreePBX name carries both numbers, so the demo folder delivers it without review.
    const name = `in-15550000002-15550000001-20240228-103000-${Date.now()}.1.wav`;
    writeWav(path.join(dataDir, 'recordings', name), { seconds: 2, frequency: 523 });
    const row = page.getByTestId('job-row').filter({ hasText: name });
    await expect(row).toHaveCount(1, { timeout: 60_000 });
    await expect(row.getByTestId('job-state')).toHaveText(/done/i, { timeout: 90_000 });
    fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results', 'electron-queue-done.png') });
  });
});
