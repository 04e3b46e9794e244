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
  await expect(row.getByTestId('job-state')).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  await expect(row.getByTestId('job-state')).toHaveText(/delivered/i);
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/slice-queue-done.png', fullPage: true });

  // The platform saw one upload and one create-call for it, pointing at the file key it issued,
  // and the storage PUT carried no Authorization header.
  const seen = await request.get(`${process.env.CALLRELAY_E2E_SANDBOX}/__sandbox/requests`);
  expect(seen.ok()).toBe(true);
  const { requests } = (await seen.json()) as {
    requests: { kind: string; method: string; path: string; headers: Record<string, string>; body: unknown }[];
  };
  const comswise = requests.filter((r) => r.kind === 'comswise');
  const uploads = comswise.filter(
    (r) => r.path.endsWith('/upload/request') && (r.body as { fileName?: string }).fileName === name,
  );
  expect(uploads).toHaveLength(1);
  const fileKeys = new Set(
    comswise.filter((r) => r.method === 'PUT').map((r) => (r.body as { fileKey: string }).fileKey),
  );
  const creates = comswise.filter(
    (r) => r.path.endsWith('/calls/create') && fileKeys.has((r.body as { recordingUrl: string }).recordingUrl),
  );
  const put = comswise.find(
    (r) =>
      r.method === 'PUT' &&
      (r.body as { fileKey: string }).fileKey === (creates[0]?.body as { recordingUrl: string })?.recordingUrl,
  );
  expect(put).toBeDefined();
  expect(Object.keys(put!.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
  expect(
    creates.filter(
      (c) => (c.body as { recordingUrl: string }).recordingUrl === (put!.body as { fileKey: string }).fileKey,
    ),
  ).toHaveLength(1);
});
