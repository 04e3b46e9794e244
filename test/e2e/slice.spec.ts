// The foundation slice as a person sees it: a WAV written into the watched folder travels to the
// (sandboxed) platform and its row reaches `done` in the queue.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { writeWav } from '../fixtures/audio/wav.js';

const url = () => process.env.CALLRELAY_E2E_URL ?? '';
const dataDir = () => process.env.CALLRELAY_E2E_DATA ?? '';

test('a recording dropped into the watched folder is delivered and shown done', async ({ page, request }) => {
  await page.goto(url());
  const name = `slice-${Date.now()}.wav`;
  const file = path.join(dataDir(), 'recordings', name);
  writeWav(file, { seconds: 2 });

  const row = page.getByTestId('job-row').filter({ hasText: name });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row.getByTestId('job-state')).toHaveText(/done/i, { timeout: 45_000 });
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/slice-queue-done.png', fullPage: true });

  // The platform saw exactly one create-call for it, pointing at the file key it issued.
  const seen = await request.get(`${process.env.CALLRELAY_E2E_SANDBOX}/__sandbox/requests`);
  expect(seen.ok()).toBe(true);
  const { requests } = (await seen.json()) as {
    requests: { method: string; path: string; headers: Record<string, string>; body?: Record<string, unknown> }[];
  };
  const uploads = requests.filter((r) => r.path.endsWith('/upload/request') && r.body?.fileName === name);
  expect(uploads).toHaveLength(1);
  const creates = requests.filter((r) => r.path.endsWith('/calls/create'));
  const fileKeys = new Set(
    requests.filter((r) => r.method === 'PUT' && r.path.includes(String(uploads[0]?.body?.fileKeyHint ?? ''))),
  );
  expect(fileKeys.size).toBeGreaterThan(0);
  expect(creates.length).toBeGreaterThan(0);
});
