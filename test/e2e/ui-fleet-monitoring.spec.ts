// A supervisor turns on the metrics push from Settings: the running `callrelay serve` starts
// pushing to the collector typed in the form (a small OTLP/HTTP receiver here), under the station
// name typed too, and /metrics carries it; clearing the form turns the push off. Needs: the demo host.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { demoBase, demoToken, demoUrl } from './fixtures/demo-host.js';

test('turn the fleet metrics push on and off from Settings', async ({ page }) => {
  const stations: string[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as {
        resourceMetrics: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[];
      };
      for (const rm of parsed.resourceMetrics) {
        stations.push(rm.resource.attributes.find((a) => a.key === 'station')?.value.stringValue ?? '?');
      }
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const collector = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  try {
    await page.goto(`${demoUrl()}#/settings`);
    await expect(page.getByText(/Metrics are not pushed anywhere/)).toBeVisible();
    await page.getByLabel('Collector address (OpenTelemetry, OTLP/HTTP)').fill(collector);
    await page.getByLabel('Station name on the dashboard').fill('e2e-desk');
    await page.getByLabel('Push every (seconds)').fill('1');
    await page.getByRole('button', { name: 'Save fleet monitoring' }).click();
    await expect(page.getByText('Fleet monitoring saved.')).toBeVisible();
    await expect(page.getByText(`Metrics are pushed to ${collector} every 1 s.`)).toBeVisible();
    await expect.poll(() => stations.includes('e2e-desk'), { timeout: 15_000 }).toBe(true);
    const scrape = await (
      await fetch(`${demoBase()}metrics`, { headers: { authorization: `Bearer ${demoToken()}` } })
    ).text();
    expect(scrape).toMatch(/^callrelay_build_info\{version="[^"]+",station="e2e-desk"\} 1$/m);

    await page.getByLabel('Collector address (OpenTelemetry, OTLP/HTTP)').fill('');
    await page.getByLabel('Station name on the dashboard').fill('');
    await page.getByRole('button', { name: 'Save fleet monitoring' }).click();
    await expect(page.getByText(/Metrics are not pushed anywhere/)).toBeVisible();
    await page.waitForTimeout(1000); // the old pipeline's last push
    const pushed = stations.length;
    await page.waitForTimeout(2500);
    expect(stations.length).toBe(pushed);
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
});
