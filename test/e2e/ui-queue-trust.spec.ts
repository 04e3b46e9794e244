// A queue people can trust (issue 11), as a person sees it: a broken file's retry is refused and
// nothing is sent; a copy is a "Same as" row; Send again asks first; a pause shows on every row it
// holds; and a platform answering 503 to everything is shown down and is not hammered.
// Needs: the demo host (DATA/recordings → comswise) and its sandbox.
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { makeWav } from '../fixtures/audio/wav.js';
import {
  callDemo,
  demoData,
  demoSandbox,
  demoUrl,
  findRow,
  setSandboxFaults,
  uniqueName,
} from './fixtures/demo-host.js';

interface SandboxRequest {
  seq: number;
  kind: string;
  method: string;
  path: string;
  status: number | null;
  body: unknown;
}

async function sandboxRequests(request: APIRequestContext): Promise<SandboxRequest[]> {
  const reply = await request.get(`${demoSandbox()}/__sandbox/requests`);
  expect(reply.ok()).toBe(true);
  return ((await reply.json()) as { requests: SandboxRequest[] }).requests;
}

/** Writes bytes into the comswise folder atomically (temp name, then rename). */
function drop(name: string, bytes: Buffer): void {
  const temp = path.join(demoData(), `.${name}.part`);
  fs.writeFileSync(temp, bytes);
  fs.renameSync(temp, path.join(demoData(), 'recordings', name));
}

function uniqueWav(): Buffer {
  const wav = makeWav({ seconds: 1, frequency: 200 + randomInt(2000) });
  for (let i = 0; i < 8; i++) wav.writeInt16LE(randomInt(-30000, 30000), 44 + i * 2);
  return wav;
}

test('retry of an empty recording is refused with its reason, and the platform receives nothing', async ({
  page,
  request,
}) => {
  const name = uniqueName('empty');
  drop(name, Buffer.alloc(0));
  const row = await findRow(page, name);
  await expect(row.getByTestId('job-state')).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await row.getByRole('link', { name }).click();
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(
    page.locator('.notice-error').getByText(/Retry refused, nothing was sent: the file is empty/),
  ).toBeVisible();
  await expect(page.getByTestId('job-state')).toHaveText('Failed');
  // Nothing about this file ever reached the platform.
  await page.waitForTimeout(2000);
  const sent = (await sandboxRequests(request)).filter((r) => JSON.stringify(r.body ?? '').includes(name));
  expect(sent).toEqual([]);
});

test('two identical recordings give one delivered row and one "Same as" row; Send again asks first', async ({
  page,
}) => {
  const stamp = uniqueName('twin').replace(/\.wav$/, '');
  const wav = uniqueWav();
  drop(`${stamp}-a.wav`, wav);
  const first = await findRow(page, `${stamp}-a.wav`);
  await expect(first.getByTestId('job-state')).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  drop(`${stamp}-b.wav`, wav);
  const copy = await findRow(page, `${stamp}-b.wav`);
  await expect(copy.getByTestId('job-state')).toHaveAttribute('data-state', 'duplicate', { timeout: 30_000 });
  await expect(copy.getByTestId('job-state')).toHaveText('Same as');
  await expect(copy.getByRole('link', { name: 'the job that has it' })).toBeVisible();

  // The copy's page names the job that has the content; the dashboard counts it.
  await copy.getByRole('link', { name: `${stamp}-b.wav` }).click();
  await expect(page.getByTestId('same-as')).toContainText('Not sent: the same recording as');
  await page.getByTestId('same-as').getByRole('link').click();
  await expect(page.getByRole('heading', { name: `${stamp}-a.wav` })).toBeVisible();
  const remoteId = (await page.getByTestId('remote-id').textContent())?.trim() ?? '';

  // Send again: nothing happens before the person confirms what it does.
  await page.getByRole('button', { name: 'Send again' }).click();
  const confirm = page.getByTestId('confirm');
  await expect(confirm).toContainText(`Send again creates a second call on comswise; the first is ${remoteId}`);
  await confirm.getByRole('button', { name: 'Keep as it is' }).click();
  await expect(confirm).toHaveCount(0);
  await page.getByRole('button', { name: 'Send again' }).click();
  await page.getByTestId('confirm').getByRole('button', { name: 'Send again' }).click();
  await expect(page.getByText(/Sent again: a new job was queued/)).toBeVisible();

  await page.goto(`${demoUrl()}#/queue`);
  await page.getByRole('searchbox', { name: 'Search' }).fill(`${stamp}-a`);
  const rows = page.getByTestId('job-row');
  await expect(rows).toHaveCount(2, { timeout: 30_000 });
  await expect(rows.filter({ has: page.getByTestId('resend-mark') })).toHaveCount(1);
  await expect(page.getByTestId('resend-mark')).toHaveText(/resend 1 of /);

  await page.goto(`${demoUrl()}#/dashboard`);
  await expect(page.getByTestId('duplicate-count')).not.toHaveText('0');
});

test('a paused engine shows "Paused" on the rows it holds, and the counts agree', async ({ page }) => {
  await page.goto(`${demoUrl()}#/dashboard`);
  await page.getByRole('button', { name: 'Pause all deliveries' }).click();
  await expect(page.getByRole('button', { name: 'Resume all deliveries' })).toBeVisible();
  try {
    const name = uniqueName('held');
    drop(name, uniqueWav());
    const row = await findRow(page, name);
    await expect(row.getByTestId('job-state')).toHaveAttribute('data-paused-by', 'all', { timeout: 30_000 });
    await expect(row.getByTestId('job-state')).toHaveText('Paused');
    await expect(row).toContainText('all sending paused');
    // The counts say what the rows say: every row reading "Paused" is counted as paused.
    const stats = await callDemo<{ counts: Record<string, number> }>('queue:stats', {});
    const list = await callDemo<{ items: { state: string; pausedBy?: string | null }[] }>('queue:list', {
      limit: 1000,
    });
    const readPaused = list.items.filter((j) => j.state === 'paused' || j.pausedBy).length;
    expect(stats.counts.paused).toBe(readPaused);
    expect(stats.counts.paused).toBeGreaterThanOrEqual(1);
    const chip = page.getByRole('checkbox', { name: /Paused/ }).locator('xpath=..');
    await expect(chip).toContainText(String(stats.counts.paused));
  } finally {
    await page.goto(`${demoUrl()}#/dashboard`);
    await page.getByRole('button', { name: 'Resume all deliveries' }).click();
    await expect(page.getByRole('button', { name: 'Pause all deliveries' })).toBeVisible();
  }
});

test('a platform answering 503 for a minute is shown down, slowed, and delivered to soon after it recovers', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const before = Math.max(0, ...(await sandboxRequests(request)).map((r) => r.seq));
  await setSandboxFaults({ error503Rate: 1, kinds: ['comswise'] });
  const started = Date.now();
  let recovered = 0;
  try {
    const name = uniqueName('storm');
    drop(name, uniqueWav());
    await page.goto(`${demoUrl()}#/dashboard`);
    const health = page.locator('[data-testid="destination-health"][data-destination="comswise"]');
    await expect(health).toHaveAttribute('data-health', 'down', { timeout: 30_000 });
    console.log(`comswise shown down ${Date.now() - started} ms after the 503s began`);
    // Issue 14: the top bar's status line words it "comswise is down since …" (was "comswise down").
    await expect(page.getByTestId('status-line')).toContainText('comswise is down');

    await page.waitForTimeout(Math.max(0, 60_000 - (Date.now() - started)));
    const storm = (await sandboxRequests(request)).filter((r) => r.seq > before && r.kind === 'comswise');
    console.log(`comswise received ${storm.length} requests in the minute of 503s`);
    expect(storm.length).toBeLessThanOrEqual(30);

    await setSandboxFaults({});
    recovered = Date.now();
    const row = await findRow(page, name);
    await expect(row.getByTestId('job-state')).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
    console.log(`delivered ${Date.now() - recovered} ms after the platform recovered`);

    // The repeated identical failures are one folded timeline row with their count.
    await row.getByRole('link', { name }).click();
    await expect(page.getByTestId('event-repeat')).toHaveCount(1);
    await expect(page.getByTestId('event-repeat')).toHaveText(/× \d+, /);
  } finally {
    if (!recovered) await setSandboxFaults({});
  }
});
