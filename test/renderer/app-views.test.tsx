// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createContractClient } from '../../shared/contract-client.js';
import { App } from '../../renderer/src/app.js';
import { createAppServices, ServicesContext, type AppServices } from '../../renderer/src/app-services.js';
import { webLink } from '../../renderer/src/views/job-detail-view.js';
import { createFakeHost, makeJob, type FakeHost } from './fixtures/fake-host.js';

let services: AppServices | null = null;

beforeAll(() => {
  // jsdom lays nothing out; the virtualizer needs a viewport height to render rows.
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 1200 });
});
afterEach(() => {
  cleanup();
  services?.dispose();
  services = null;
  window.location.hash = '';
});

function renderApp(host: FakeHost, hash: string) {
  window.location.hash = hash;
  services = createAppServices(createContractClient(host.transport), 'browser');
  render(
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>,
  );
}

describe('app views', () => {
  it('lists jobs in the queue with their state, and a review badge in the nav', async () => {
    const host = createFakeHost({ count: 20 });
    renderApp(host, '#/queue');
    const rows = await screen.findAllByTestId('job-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(within(rows[2]!).getByTestId('job-state').textContent).toBe('Failed');
    expect(screen.getByRole('link', { name: /Review/ }).textContent).toContain(String(host.counts()['needs-review']));
  });

  it('selects every loaded row from the header and acts on them together', async () => {
    const host = createFakeHost({ count: 20 });
    renderApp(host, '#/queue');
    await screen.findAllByTestId('job-row');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all loaded jobs' }));
    expect(screen.getByText('20 selected')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    const paused = host.calls.find((c) => c.channel === 'job:pause')?.input as { ids: string[] };
    expect(paused.ids).toHaveLength(20);
    expect(await screen.findByText(/of 20 jobs updated \(pause\)/)).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all loaded jobs' }));
    expect(screen.getByText('Select jobs to act on them')).toBeTruthy();
  });

  it('moves between rows with the arrow keys', async () => {
    renderApp(createFakeHost({ count: 20 }), '#/queue');
    const rows = await screen.findAllByTestId('job-row');
    const link = within(rows[0]!).getByRole('link');
    link.focus();
    fireEvent.keyDown(link, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement?.textContent).toBe('call-000001.wav'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    await waitFor(() => expect(document.activeElement?.textContent).toBe('call-000000.wav'));
  });

  it('updates a row when the host pushes queue:changed', async () => {
    const host = createFakeHost({ count: 20 });
    renderApp(host, '#/queue');
    const rows = await screen.findAllByTestId('job-row');
    expect(within(rows[2]!).getByTestId('job-state').textContent).toBe('Failed');
    host.change(['job-2'], { state: 'done' });
    await waitFor(() =>
      expect(within(screen.getAllByTestId('job-row')[2]!).getByTestId('job-state').textContent).toBe('Delivered'),
    );
  });

  it('re-reads the rows on screen when the event stream comes back', async () => {
    const host = createFakeHost({ count: 20 });
    renderApp(host, '#/queue');
    await screen.findAllByTestId('job-row');
    services!.connectionChanged(false);
    expect(await screen.findByText(/check that CallRelay is running/)).toBeTruthy();
    // A change the page never heard of, made while the stream was down.
    host.jobs[2]!.state = 'done';
    services!.connectionChanged(true);
    await waitFor(() =>
      expect(within(screen.getAllByTestId('job-row')[2]!).getByTestId('job-state').textContent).toBe('Delivered'),
    );
    expect(screen.queryByText(/check that CallRelay is running/)).toBeNull();
  });

  it('explains that dropping files needs the desktop app when the browser gives no path', async () => {
    renderApp(createFakeHost({ count: 3 }), '#/queue');
    await screen.findAllByTestId('job-row');
    const file = new File(['RIFF'], 'call.wav', { type: 'audio/wav' });
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [file] } });
    window.dispatchEvent(drop);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Drag and drop needs the desktop app/);
  });

  it('queues dropped files for the chosen destination on the desktop', async () => {
    const host = createFakeHost({ count: 3 });
    window.location.hash = '#/queue';
    services = createAppServices(createContractClient(host.transport), 'desktop', (f) => `/home/agent/${f.name}`);
    render(
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>,
    );
    await screen.findAllByTestId('job-row');
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    const files = [new File(['a'], 'a.wav'), new File(['b'], 'b.wav')];
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files } });
    window.dispatchEvent(drop);
    const dialog = await screen.findByRole('heading', { name: 'Queue 2 files' });
    const form = dialog.closest('form')!;
    fireEvent.change(within(form).getByLabelText('Send to'), { target: { value: 'cx' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Queue' }));
    expect((await screen.findByText(/2 queued/)).textContent).toBe('2 queued.');
    expect(host.calls.find((c) => c.channel === 'files:enqueue')?.input).toEqual({
      paths: ['/home/agent/a.wav', '/home/agent/b.wav'],
      destination: 'cx',
    });
  });

  it('says what to do when the queue is empty', async () => {
    renderApp(createFakeHost({ jobs: [] }), '#/queue');
    expect(await screen.findByText('No recordings yet.')).toBeTruthy();
    // Issue 14: the fake host watches a folder, so the empty queue names it instead of sending the
    // person to Settings to add one (was: a link "Open Settings").
    expect((await screen.findByTestId('watching-note')).textContent).toContain('/recordings/comswise');
    expect(screen.queryByText(/Add a watched folder/)).toBeNull();
    expect(screen.getByRole('link', { name: 'See the folders on the dashboard' })).toBeTruthy();
  });

  it('review: fixes a job, saves and moves to the next one', async () => {
    const host = createFakeHost({ count: 30 });
    const waiting = host.jobs.filter((j) => j.state === 'needs-review').map((j) => j.id);
    renderApp(host, '#/review');
    await screen.findByRole('heading', { name: /call-000003\.wav/ });
    // Keyboard first: the cursor starts in the field with the problem.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(/Customer name/)));
    fireEvent.change(screen.getByLabelText(/Agent ID/), { target: { value: 'agent-7' } });
    fireEvent.change(screen.getByLabelText(/Channel/), { target: { value: 'call' } });
    fireEvent.change(screen.getByLabelText(/Skill ID/), { target: { value: 'billing' } });
    fireEvent.change(screen.getByLabelText(/Customer name/), { target: { value: 'Asha Rao' } });
    fireEvent.change(screen.getByLabelText(/Customer phone/), { target: { value: '+919845012345' } });
    fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true });
    await screen.findByRole('heading', { name: /call-000012\.wav/ });
    expect(host.jobs.find((j) => j.id === waiting[0])?.state).toBe('queued');
    expect(screen.getByText(/1 of \d+/)).toBeTruthy();
  });

  it('job detail: shows the result and retries a failed job', async () => {
    const host = createFakeHost({ count: 12 });
    renderApp(host, '#/job/job-0');
    expect((await screen.findByTestId('job-result')).textContent).toContain('The customer asked about order 0');
    expect(screen.getByTestId('remote-id').textContent).toBe('remote-0');
    window.location.hash = '#/job/job-2';
    fireEvent(window, new HashChangeEvent('hashchange'));
    await screen.findByRole('heading', { name: 'call-000002.wav' });
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    await waitFor(() => expect(screen.getByTestId('job-state').textContent).toBe('Queued'));
    expect(host.jobs[2]?.state).toBe('queued');
  });

  it('links a transcript only when its URL is http(s)', async () => {
    expect(webLink('https://platform.example/t/1')).toBe('https://platform.example/t/1');
    expect(webLink('javascript:alert(1)')).toBeNull();
    expect(webLink('file:///etc/passwd')).toBeNull();
    const done = makeJob(0, 'done');
    done.result = { ...done.result!, transcriptUrl: 'javascript:alert(1)' };
    renderApp(createFakeHost({ jobs: [done] }), '#/job/job-0');
    expect((await screen.findByTestId('job-result')).textContent).toContain('Transcript: javascript:alert(1)');
    expect(screen.queryByRole('link', { name: 'Open the transcript' })).toBeNull();
  });

  it('dashboard: shows the backlog and each destination', async () => {
    const host = createFakeHost({ count: 18 });
    renderApp(host, '#/dashboard');
    await screen.findByRole('heading', { name: 'Dashboard' });
    const backlog = screen.getByRole('heading', { name: 'Backlog' }).parentElement!;
    const c = host.counts();
    const waiting = c.queued + c.running + c['retry-wait'] + c['needs-review'] + c['waiting-file'] + c.paused;
    expect(backlog.textContent).toContain(String(waiting));
    expect(screen.getByRole('button', { name: 'Pause cx' })).toBeTruthy();
    // Issue 11: health reads online / degraded / down (an unreachable destination is "Down").
    expect(screen.getByText('Down')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Pause all deliveries' }));
    expect(await screen.findByText('Deliveries paused')).toBeTruthy();
    expect(host.calls.some((call) => call.channel === 'engine:pause')).toBe(true);
    // From the failed count straight to the failed jobs.
    fireEvent.click(screen.getByRole('link', { name: 'See them in the queue' }));
    fireEvent(window, new HashChangeEvent('hashchange'));
    await waitFor(() => expect(screen.getAllByTestId('job-row')).toHaveLength(c.failed));
    expect(screen.getAllByTestId('job-state').every((cell) => cell.textContent === 'Failed')).toBe(true);
  });

  it('dashboard: a damaged outbox and a full disk are the first thing a supervisor reads', async () => {
    const host = createFakeHost({
      count: 3,
      warnings: [
        { kind: 'disk-full', message: "the data folder's disk is full (0 MB free) on /data; nothing is lost" },
        {
          kind: 'outbox-behind',
          message: 'Since 2026-01-01T00:00:00.000Z, the outbox is behind its progress witness: 7 …',
        },
      ],
    });
    renderApp(host, '#/dashboard');
    await screen.findByRole('heading', { name: 'Dashboard' });
    const alerts = screen.getAllByRole('alert').map((a) => a.textContent);
    expect(alerts).toContain("The data folder's disk is full (0 MB free) on /data; nothing is lost");
    expect(alerts.some((a) => a?.includes('the outbox is behind its progress witness'))).toBe(true);
  });
});
