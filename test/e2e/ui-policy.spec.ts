// A field locked by a managed policy, seen in Chromium: its own `callrelay serve --demo` with
// CALLRELAY_POLICY_FILE (the shared demo host has no policy). The field is disabled and says
// "Set by your organisation"; an unlocked one beside it still saves; About shows the version.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

let serve: ChildProcess | null = null;
let url = '';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-e2e-policy-'));

test.beforeAll(async () => {
  const policyFile = path.join(tmp, 'policy.json');
  fs.writeFileSync(policyFile, JSON.stringify({ enforced: { concurrency: { global: 2 } } }));
  serve = spawn(
    process.execPath,
    ['bin/callrelay.js', 'serve', '--demo', '--data', path.join(tmp, 'data'), '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn', CALLRELAY_POLICY_FILE: policyFile },
    },
  );
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    serve!.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const match = /CallRelay is running:\s+(\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    serve!.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    serve!.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
});

test.afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve!.once('exit', resolve));
    serve.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (serve.exitCode === null) serve.kill('SIGKILL');
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a field set by the organisation is locked; the one beside it saves', async ({ page }) => {
  await page.goto(`${url}#/settings`);
  const total = page.getByLabel('Transfers at once, in total');
  await expect(total).toBeVisible();
  await expect(total).toBeDisabled();
  await expect(total).toHaveValue('2');
  await expect(page.locator('#concurrency-global-locked')).toHaveText(/Set by your organisation/);
  await expect(page.getByText(/Some settings are set by your organisation/)).toBeVisible();

  const per = page.getByLabel('Transfers at once, per destination');
  await expect(per).toBeEnabled();
  await per.fill('3');
  await page.getByRole('button', { name: 'Save concurrency' }).click();
  await expect(page.getByText('Concurrency saved.')).toBeVisible();
  await expect(total).toHaveValue('2');

  await expect(page.getByTestId('about-version')).toHaveText(/^CallRelay \d+\.\d+\.\d+/);

  // Locked fields stay accessible: no serious or critical axe finding on the page.
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/ui-settings-policy.png', fullPage: true });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
