// Changing a setting from the UI and finding it saved after a reload. Needs: the demo host.
import { expect, test } from '@playwright/test';
import { demoUrl } from './fixtures/demo-host.js';

test('change a setting', async ({ page }) => {
  await page.goto(`${demoUrl()}#/settings`);
  const total = page.getByLabel('Transfers at once, in total');
  await expect(total).toBeVisible();
  const before = await total.inputValue();
  const next = before === '3' ? '5' : '3';
  await total.fill(next);
  await page.getByRole('button', { name: 'Save concurrency' }).click();
  await expect(page.getByText('Concurrency saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Transfers at once, in total')).toHaveValue(next);

  // Secrets are never shown: the demo's destinations say "Set" but the field stays empty.
  await page.getByRole('button', { name: 'Edit destination comswise' }).click();
  const token = page.getByLabel('API token');
  await expect(token).toHaveAttribute('type', 'password');
  await expect(token).toHaveValue('');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connection-test')).toBeVisible({ timeout: 20_000 });
});

test('check the network from Settings', async ({ page }) => {
  await page.goto(`${demoUrl()}#/settings`);
  await page.getByRole('button', { name: 'Check the network' }).click();
  // The demo's destinations are the sandbox on loopback: direct, plain HTTP, signed-in request ok.
  const comswise = page.getByRole('heading', { name: /^comswise works/ });
  await expect(comswise).toBeVisible({ timeout: 30_000 });
  const steps = page.getByRole('table', { name: 'Network steps for comswise' });
  await expect(steps.getByRole('row', { name: /Signed-in request ok/ })).toBeVisible();
  await expect(steps.getByRole('row', { name: /Certificate skipped/ })).toBeVisible();
  await expect(page.getByText(/Trusted certificates: Node's bundled roots/)).toBeVisible();
});
