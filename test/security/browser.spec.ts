// In real Chromium: (1) the UI served by `callrelay serve` works end to end signed in from the
// printed URL, its event stream included, with the token gone from the address bar and only an
// HttpOnly SameSite=Strict cookie kept; (2) a page on a second local origin (another port, so the
// browser treats it as same-site and sends that cookie) fires no-cors requests, a form post and
// an EventSource at the host, and the host's state is unchanged afterwards.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { SettingsView } from '../../shared/contract.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { createTally, startSiteServer, type SiteServer } from './attack-kit.js';

let site: SiteServer;
let attackerPage: http.Server;
let attackerUrl = '';
const tally = createTally('browser');

function attackPage(host: string): string {
  const hijack = JSON.stringify({
    destinations: [{ name: 'main', kind: 'comswise', baseUrl: 'http://evil.example/' }],
  });
  return `<!doctype html><title>cat pictures</title>
<iframe name="sink" style="display:none"></iframe>
<form id="f" method="POST" action="${host}api/call/settings:update" enctype="text/plain" target="sink">
  <input name='${hijack.slice(0, -1)}, "x": "' value='"}'>
</form>
<script>
  const host = ${JSON.stringify(host)};
  const body = ${JSON.stringify(hijack)};
  window.results = [];
  const attempt = (name, p) => p.then(() => window.results.push(name + ': sent'), (e) => window.results.push(name + ': ' + e));
  Promise.all([
    attempt('no-cors text/plain settings:update', fetch(host + 'api/call/settings:update', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body })),
    attempt('no-cors form settings:update', fetch(host + 'api/call/settings:update', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })),
    attempt('no-cors engine:pause', fetch(host + 'api/call/engine:pause', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{}' })),
    attempt('no-cors GET events with the cookie', fetch(host + 'api/events', { mode: 'no-cors', credentials: 'include' })),
    attempt('cors JSON settings:get', fetch(host + 'api/call/settings:get', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.text()).then((t) => { window.leaked = t; })),
    new Promise((resolve) => {
      const source = new EventSource(host + 'api/events', { withCredentials: true });
      source.onopen = () => { window.streamOpened = true; };
      source.addEventListener('queue:changed', () => { window.streamRead = true; });
      setTimeout(() => { source.close(); window.results.push('EventSource: done'); resolve(); }, 1500);
    }),
    new Promise((resolve) => { document.getElementById('f').submit(); setTimeout(() => { window.results.push('form: submitted'); resolve(); }, 1000); }),
  ]).then(() => { window.done = true; });
</script>`;
}

test.beforeAll(async () => {
  site = await startSiteServer();
  attackerPage = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(attackPage(site.serve.url));
  });
  await new Promise<void>((resolve) => attackerPage.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attackerPage.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  tally.report();
  await new Promise((resolve) => attackerPage?.close(resolve));
  await site?.close();
});

test('signed in from the printed URL, the UI works end to end with its event stream', async ({ page, context }) => {
  expect(site.serve.signInUrl).toMatch(/#token=/);
  await page.goto(site.serve.signInUrl);
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible();
  // The token left the address bar; the browser keeps only the HttpOnly session cookie.
  await expect.poll(() => page.url()).not.toContain('token');
  const cookies = await context.cookies(site.serve.url);
  const session = cookies.find((c) => c.name.startsWith('callrelay_session_'));
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(session!.value).not.toContain(site.serve.token);
  expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe(
    '',
  );

  // A recording dropped now shows up and reaches done without a reload: that is the event stream.
  writeWav(path.join(site.recordings, 'browser-e2e.wav'), { seconds: 1, frequency: 440 });
  const row = page.getByTestId('job-row').filter({ hasText: 'browser-e2e.wav' });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row).toContainText('Delivered', { timeout: 45_000 });

  // A reload of the same tab stays signed in.
  await page.reload();
  await expect(page.getByTestId('job-row').filter({ hasText: 'browser-e2e.wav' })).toHaveCount(1, { timeout: 30_000 });
});

test('a page on a second local origin cannot change or read anything, signed-in cookie or not', async ({ page }) => {
  await page.goto(site.serve.signInUrl);
  await expect(page.getByRole('searchbox', { name: 'Search' })).toBeVisible();
  const before = await site.serve.envelope<SettingsView>('settings:get');
  const stats = await site.serve.envelope<{ paused: boolean }>('queue:stats');

  const evil = await page.context().newPage();
  await evil.goto(attackerUrl);
  await evil.waitForFunction(() => (globalThis as unknown as { done?: boolean }).done === true, undefined, {
    timeout: 30_000,
  });
  const seen = await evil.evaluate(() => {
    const w = globalThis as unknown as {
      leaked?: string;
      streamOpened?: boolean;
      streamRead?: boolean;
      results: string[];
    };
    return { leaked: w.leaked ?? null, streamOpened: !!w.streamOpened, streamRead: !!w.streamRead, results: w.results };
  });

  const after = await site.serve.envelope<SettingsView>('settings:get');
  const changed = JSON.stringify(after.value) !== JSON.stringify(before.value);
  tally.record('no-cors text/plain and form POSTs of settings:update, and a text/plain form', changed);
  tally.record('a cross-origin read of settings:get', seen.leaked !== null && seen.leaked.includes('destinations'));
  tally.record('an EventSource with credentials from another origin', seen.streamOpened || seen.streamRead);
  const statsAfter = await site.serve.envelope<{ paused: boolean }>('queue:stats');
  tally.record('a no-cors engine:pause', statsAfter.value!.paused !== stats.value!.paused);

  expect(after.value).toEqual(before.value);
  expect(statsAfter.value!.paused).toBe(false);
  expect(after.value!.destinations[0]!.baseUrl).toBe(before.value!.destinations[0]!.baseUrl);
  expect(seen.leaked).toBeNull();
  expect(seen.streamOpened).toBe(false);
  // The requests did reach the host and were refused (logged once per offending origin).
  const refusals = site.serve
    .output()
    .split('\n')
    .filter((l) => l.includes('refused an API request'));
  expect(refusals.some((l) => l.includes(attackerUrl.replace(/\/$/, '')))).toBe(true);
  expect(tally.through()).toEqual([]);
});
