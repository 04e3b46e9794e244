// A screenshot of every view under test-results/, and an axe check of each with no serious or
// critical violation. Needs: the demo host, with at least one job (it writes one).
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { demoSandbox, demoUrl, findRow, uniqueName, writeRecording } from './fixtures/demo-host.js';

const views = [
  { hash: '#/queue', heading: 'Queue', file: 'ui-queue' },
  { hash: '#/review', heading: 'Review', file: 'ui-review' },
  { hash: '#/dashboard', heading: 'Dashboard', file: 'ui-dashboard' },
  { hash: '#/settings', heading: 'Settings', file: 'ui-settings' },
];

// Issue 14: every view (a job page too, and Settings with a form open) in light and dark, with
// no serious or critical axe violation; a screenshot of each in test-results/.
test('every view: screenshot and accessibility check, light and dark', async ({ page }) => {
  // Twelve pages, each loaded, photographed and checked: about 5 s each on a loaded machine.
  test.setTimeout(240_000);
  fs.mkdirSync('test-results', { recursive: true });
  const name = uniqueName('views');
  writeRecording('recordings-cx', name);
  const row = await findRow(page, name);
  const jobHref = await row.getByRole('link', { name }).getAttribute('href');

  const problems: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const suffix = scheme === 'dark' ? '-dark' : '';
    for (const view of [
      ...views,
      { hash: jobHref ?? '', heading: name, file: 'ui-job' },
      { hash: '#/settings', heading: 'Settings', file: 'ui-settings-destination', open: 'Edit destination cx' },
    ]) {
      // A fresh page for each view, so the queue is shown unfiltered (findRow searched it).
      await page.goto('about:blank');
      await page.goto(`${demoUrl()}${view.hash}`);
      await expect(page.getByRole('heading', { level: 1, name: view.heading })).toBeVisible();
      if ('open' in view) await page.getByRole('button', { name: view.open }).click();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.screenshot({ path: `test-results/${view.file}${suffix}.png`, fullPage: true });
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      for (const v of results.violations) {
        if (v.impact === 'serious' || v.impact === 'critical') {
          problems.push(
            `${view.file}${suffix}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 3)
              .join(', ')}`,
          );
        }
      }
    }
  }
  expect(problems).toEqual([]);
});

test('the demo prints the app’s sign-in address first, and the sandbox’s own address explains itself', async () => {
  const lines = (process.env.CALLRELAY_E2E_STARTUP ?? '').split('\n').filter((l) => l.trim());
  expect(lines[0]).toMatch(/^CallRelay is running: +http:\/\/127\.0\.0\.1:\d+\/#token=/);
  expect(lines.some((l) => l.trimStart().startsWith('{'))).toBe(false);
  const root = (await (await fetch(`${demoSandbox()}/`)).json()) as { open: string };
  expect(root.open).toContain('CallRelay is running');
});

test('dark mode follows the operating system', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${demoUrl()}#/dashboard`);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(15, 18, 23)');
  await page.screenshot({ path: 'test-results/ui-dashboard-dark.png', fullPage: true });
  const results = await new AxeBuilder({ page }).withTags(['wcag2aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
    [],
  );
});

test('dropping files in a browser explains that it needs the desktop app', async ({ page }) => {
  await page.goto(`${demoUrl()}#/queue`);
  await expect(page.getByRole('heading', { level: 1, name: 'Queue' })).toBeVisible();
  const transfer = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(['RIFF'], 'dropped.wav', { type: 'audio/wav' }));
    return data;
  });
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  await expect(page.getByRole('alert').filter({ hasText: 'Drag and drop needs the desktop app' })).toBeVisible();
});
