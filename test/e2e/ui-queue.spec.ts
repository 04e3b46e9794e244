// The queue as a person uses it: search, filter by state and destination, see rows change live.
// Needs: the demo host, whose two watched folders go to the destinations comswise and cx.
import { expect, test } from '@playwright/test';
import { demoUrl, findRow, uniqueName, writeRecording } from './fixtures/demo-host.js';

test('filter and search the queue', async ({ page }) => {
  const stamp = uniqueName('filter').replace(/\.wav$/, '');
  const names = [`${stamp}-one.wav`, `${stamp}-two.wav`, `${stamp}-three.wav`];
  names.forEach((name) => writeRecording('recordings', name));
  const cxName = `${stamp}-cx.wav`;
  writeRecording('recordings-cx', cxName);

  await page.goto(`${demoUrl()}#/queue`);
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill(stamp);
  const rows = page.getByTestId('job-row');
  await expect(rows).toHaveCount(4, { timeout: 30_000 });

  // Search narrows to one file.
  await search.fill(`${stamp}-two`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`${stamp}-two.wav`);

  // Destination filter: only the cx recording of this batch.
  await search.fill(stamp);
  await expect(rows).toHaveCount(4);
  await page.getByLabel('Destination').selectOption('cx');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(cxName);
  await expect(rows.first().getByTestId('job-state')).toHaveAttribute('data-state', /.+/);

  // State filter: the cx recording waits for review, so "Cancelled" hides it and "Needs review" shows it.
  await page.getByRole('checkbox', { name: /Cancelled/ }).check();
  await expect(page.getByText('No job matches these filters.')).toBeVisible();
  await page.getByRole('checkbox', { name: /Cancelled/ }).uncheck();
  await page.getByRole('checkbox', { name: /Needs review/ }).check();
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId('job-state')).toHaveAttribute('data-state', 'needs-review');

  // Clearing brings every job of the batch back.
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await search.fill(stamp);
  await expect(rows).toHaveCount(4);

  // Selection enables the bulk actions.
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeDisabled();
  await rows.first().getByRole('checkbox').check();
  await expect(page.getByText('1 selected')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeEnabled();
  const row = await findRow(page, names[0]!);
  await expect(row).toBeVisible();
});
