// Fixing a call in review until it is delivered, reading what the platform sent back, and
// retrying a delivery that failed. Needs: the demo host (cx folder → review) and its sandbox.
import { expect, test, type Page } from '@playwright/test';
import {
  demoUrl,
  fillMissingFields,
  findRow,
  setSandboxFaults,
  uniqueName,
  writeRecording,
} from './fixtures/demo-host.js';

const pattern = (name: string) => new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

async function fixInReview(page: Page, name: string) {
  await page.goto(`${demoUrl()}#/review`);
  const inbox = page.getByRole('navigation', { name: 'Jobs to review' });
  // The inbox opens its first job; pick ours from the list.
  await inbox.getByRole('button', { name: pattern(name) }).click();
  await expect(page.getByRole('heading', { level: 2, name: pattern(name) })).toBeVisible();
  const filled = await fillMissingFields(page);
  expect(filled.length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Save and next' }).click();
  // Saved cleanly: the job leaves the inbox.
  await expect(inbox.getByText(name)).toHaveCount(0, { timeout: 15_000 });
}

/** Waits until the watcher has taken the file, and fixes it in review when it landed there. */
async function queueRecording(page: Page, name: string) {
  const row = await findRow(page, name);
  const state = row.getByTestId('job-state');
  await expect(state).not.toHaveAttribute('data-state', 'waiting-file', { timeout: 30_000 });
  if ((await state.getAttribute('data-state')) === 'needs-review') await fixInReview(page, name);
}

test('fix a job in review and see it delivered', async ({ page }) => {
  const name = uniqueName('review');
  // The demo's cx folder: cx needs details no file name carries, so every call waits in review.
  writeRecording('recordings-cx', name);
  const row = await findRow(page, name);
  await expect(row.getByTestId('job-state')).toHaveAttribute('data-state', 'needs-review', { timeout: 30_000 });
  await fixInReview(page, name);
  const after = await findRow(page, name);
  await expect(after.getByTestId('job-state')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
});

test('read the result of a delivered call', async ({ page }) => {
  const name = uniqueName('result');
  // comswise returns a summary some seconds after the call is created; the engine polls for it.
  writeRecording('recordings', name);
  await queueRecording(page, name);
  const row = await findRow(page, name);
  await expect(row.getByTestId('job-state')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByTestId('remote-id')).not.toHaveText('not created yet');
  // The page follows queue:changed; a reload now and then covers a host that does not announce results.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('job-result')).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 90_000, intervals: [3_000] });
  await expect(page.getByTestId('job-result')).toContainText(/summary/i);
});

test('retry a job whose delivery failed', async ({ page }) => {
  test.setTimeout(120_000);
  const name = uniqueName('retry');
  writeRecording('recordings-cx', name);
  // cx answers 429 with Retry-After of an hour: the job waits, and only "Retry now" sends it sooner.
  await setSandboxFaults({ rateLimitRate: 1, retryAfterSec: 3600, kinds: ['cx'] });
  try {
    await queueRecording(page, name);
    const row = await findRow(page, name);
    await expect(row.getByTestId('job-state')).toHaveAttribute('data-state', /retry-wait|failed/, { timeout: 60_000 });
    await expect(row.locator('td').last()).not.toBeEmpty();
  } finally {
    await setSandboxFaults({});
  }
  const row = await findRow(page, name);
  await row.getByRole('link', { name }).click();
  await expect(page.getByTestId('job-state')).toHaveText(/Will retry|Failed/);
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Delivered', { timeout: 60_000 });
});
