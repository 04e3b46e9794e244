// The README's screenshots, made from the demo with recordings named as recorders name them.
// It rewrites tracked files (docs/screenshots/), so it runs only on purpose:
//   npm run screenshots        (CALLRELAY_SCREENSHOTS=1, this spec alone)
// In the normal test pass it is skipped.
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { makeWav } from '../fixtures/audio/wav.js';
import { demoData, demoUrl, findRow } from './fixtures/demo-host.js';

test.skip(!process.env.CALLRELAY_SCREENSHOTS, 'rewrites docs/screenshots/: run it with npm run screenshots');

const out = path.join('docs', 'screenshots');

/** A short tone with unique content, written under a temporary name and renamed, as a recorder does. */
function record(folder: 'recordings' | 'recordings-cx', name: string, sidecar?: Record<string, string>) {
  const dir = path.join(demoData(), folder);
  if (sidecar) fs.writeFileSync(path.join(dir, name.replace(/\.wav$/, '.json')), JSON.stringify(sidecar));
  const wav = makeWav({ seconds: 2 + randomInt(6), frequency: 200 + randomInt(600) });
  for (let i = 0; i < 8; i++) wav.writeInt16LE(randomInt(-30000, 30000), 44 + i * 2);
  const temp = path.join(dir, `.${name}.part`);
  fs.writeFileSync(temp, wav);
  fs.renameSync(temp, path.join(dir, name));
}

async function shoot(page: Page, hash: string, heading: string | RegExp, file: string) {
  await page.goto('about:blank');
  await page.goto(`${demoUrl()}${hash}`);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: path.join(out, file) });
}

test('README screenshots from the demo', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 800 });
  fs.mkdirSync(out, { recursive: true });
  // FreePBX names (in-<DID>-<caller>-<date>-<time>-<uniqueid>) carry both numbers and the time.
  const delivered = [
    'in-2125550100-6465550188-20261130-091204-1764493924.41.wav',
    'in-2125550100-7185550142-20261130-093617-1764495377.58.wav',
    'out-3125550177-2125550100-20261130-101532-1764497732.73.wav',
    'in-2125550100-9175550123-20261130-112048-1764501648.96.wav',
    'in-2125550100-3475550166-20261130-134410-1764510250.121.wav',
  ];
  for (const name of delivered) record('recordings', name);
  // The CX folder has no template: a sidecar gives the numbers; the customer's name is what Review asks.
  const forReview = [
    { name: '2026-11-30_1412_+12125550105_agent-117.wav', from: '+12125550105', start: '2026-11-30T19:12:00Z' },
    { name: '2026-11-30_1431_+13125550190_agent-117.wav', from: '+13125550190', start: '2026-11-30T19:31:00Z' },
  ];
  for (const call of forReview) {
    record('recordings-cx', call.name, {
      from: call.from,
      to: '+12125550100',
      direction: 'inbound',
      startTime: call.start,
    });
  }
  for (const name of delivered) {
    const row = await findRow(page, name);
    await expect(row).toContainText('Delivered', { timeout: 60_000 });
  }
  await page.goto(`${demoUrl()}#/queue`);
  // What the issue saw in the old ones must not be in these.
  await expect(page.getByTestId('job-row')).toHaveCount(delivered.length + forReview.length);
  await expect(page.getByText('— → —')).toHaveCount(0);
  const jobHref = await (await findRow(page, delivered[0]!)).getByRole('link').first().getAttribute('href');
  await shoot(page, '#/queue', 'Queue', 'queue.png');
  await shoot(page, '#/dashboard', 'Dashboard', 'dashboard.png');
  await shoot(page, '#/review', 'Review', 'review-form.png');
  await shoot(page, jobHref ?? '', /in-2125550100-6465550188/, 'job.png');
  await shoot(page, '#/settings', 'Settings', 'settings.png');
});
