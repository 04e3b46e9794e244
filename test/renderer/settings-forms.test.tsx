// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DestinationInput } from '../../shared/contract.js';
import { authFieldsFor } from '../../renderer/src/views/settings/destination-form.js';
import type { FakeHost } from './fixtures/fake-host.js';
import { disposeSettings, renderSettings } from './fixtures/render-settings.js';

afterEach(disposeSettings);

function lastUpdate(host: FakeHost) {
  return host.calls.filter((c) => c.channel === 'settings:update').at(-1)?.input as {
    destinations?: DestinationInput[];
  } & Record<string, unknown>;
}

describe('destination settings', () => {
  it('derives the secret fields of each kind from the config schema', () => {
    expect(authFieldsFor('comswise').map((f) => f.key)).toEqual(['token']);
    expect(authFieldsFor('agent-calls').map((f) => f.key)).toEqual(['apiKey', 'apiSecret']);
    expect(authFieldsFor('tus')).toEqual([{ key: 'headers', headers: true }]);
  });

  it('shows stored secrets masked and keeps them when the field is left empty', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Edit destination comswise' }));
    const token = screen.getByLabelText('API token') as HTMLInputElement;
    expect(token.type).toBe('password');
    expect(token.value).toBe('');
    expect(screen.getByText(/Set \(ends …x9f2\)\. Leave empty to keep it\./)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'https://api.comswise.in/v2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save destination' }));
    await waitFor(() => expect(lastUpdate(host)).toBeDefined());
    const sent = lastUpdate(host).destinations!;
    expect(sent.find((d) => d.name === 'comswise')).toEqual({
      name: 'comswise',
      kind: 'comswise',
      baseUrl: 'https://api.comswise.in/v2',
      enabled: true,
    });
    // The other destination goes back unchanged and without any auth, so its secrets are kept.
    expect(sent.find((d) => d.name === 'cx')?.auth).toBeUndefined();
    expect(await screen.findByText('Destination comswise saved.')).toBeTruthy();
  });

  it('says before saving that another address drops the stored secrets (issue 10)', async () => {
    await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Edit destination comswise' }));
    expect(screen.queryByTestId('secrets-will-drop')).toBeNull();
    fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'https://attacker.example.net/v1' } });
    const warning = screen.getByTestId('secrets-will-drop');
    expect(warning.textContent).toMatch(/Saving drops the stored API token/);
    expect(warning.textContent).toMatch(/sends nothing until you do/);
    expect(screen.getByText('Enter it again for the new address.')).toBeTruthy();
    // Back to the same origin (another path): the stored token is kept, no warning.
    fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'http://127.0.0.1:4180/comswise/v9' } });
    expect(screen.queryByTestId('secrets-will-drop')).toBeNull();
  });

  it('needs every secret of a new destination and sends the typed ones', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Add destination' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'agents' } });
    fireEvent.change(screen.getByLabelText('Platform'), { target: { value: 'agent-calls' } });
    fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'not a url' } });
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'key-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save destination' }));
    expect(await screen.findByText(/expected an http\(s\) URL/)).toBeTruthy();
    expect(screen.getByLabelText('API secret').getAttribute('aria-invalid')).toBe('true');
    expect(lastUpdate(host)).toBeUndefined();
    fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'https://agents.example.com' } });
    fireEvent.change(screen.getByLabelText('API secret'), { target: { value: 'env:AGENT_SECRET' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save destination' }));
    await waitFor(() => expect(lastUpdate(host)).toBeDefined());
    expect(lastUpdate(host).destinations?.at(-1)).toEqual({
      name: 'agents',
      kind: 'agent-calls',
      baseUrl: 'https://agents.example.com',
      enabled: true,
      auth: { apiKey: 'key-1', apiSecret: 'env:AGENT_SECRET' },
    });
  });

  it('tests a connection with the draft and shows the answer', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Edit destination cx' }));
    fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'http://unreachable.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect((await screen.findByTestId('connection-test')).textContent).toMatch(
      /Test failed \(unreachable\): No answer/,
    );
    expect(host.calls.find((c) => c.channel === 'destination:test')?.input).toMatchObject({
      name: 'cx',
      draft: { baseUrl: 'http://unreachable.example' },
    });
  });
});

describe('other settings', () => {
  it('saves concurrency on its own and refuses out-of-range values', async () => {
    const host = await renderSettings();
    fireEvent.change(screen.getByLabelText('Transfers at once, in total'), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save concurrency' }));
    expect(await screen.findByText(/whole number from 1 to 64/)).toBeTruthy();
    expect(lastUpdate(host)).toBeUndefined();
    fireEvent.change(screen.getByLabelText('Transfers at once, in total'), { target: { value: '8' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save concurrency' }));
    await waitFor(() => expect(lastUpdate(host)).toEqual({ concurrency: { global: 8, perDestination: 2 } }));
    expect(host.settings.concurrency.global).toBe(8);
  });

  it('turns the metrics push on with a collector and a station name, and off again', async () => {
    const host = await renderSettings();
    expect(screen.getByText(/Metrics are not pushed anywhere/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Collector address (OpenTelemetry, OTLP/HTTP)'), {
      target: { value: 'collector.site:4318' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save fleet monitoring' }));
    expect(await screen.findByText(/an http\(s\) address such as/)).toBeTruthy();
    expect(lastUpdate(host)).toBeUndefined();
    fireEvent.change(screen.getByLabelText('Collector address (OpenTelemetry, OTLP/HTTP)'), {
      target: { value: 'http://collector.site:4318' },
    });
    fireEvent.change(screen.getByLabelText('Station name on the dashboard'), { target: { value: 'desk-17' } });
    fireEvent.change(screen.getByLabelText('Push every (seconds)'), { target: { value: '15' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save fleet monitoring' }));
    await waitFor(() =>
      expect(lastUpdate(host)).toEqual({
        telemetry: { otlp: 'http://collector.site:4318', station: 'desk-17', intervalSec: 15 },
      }),
    );
    expect(await screen.findByText('Metrics are pushed to http://collector.site:4318 every 15 s.')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Collector address (OpenTelemetry, OTLP/HTTP)'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Station name on the dashboard'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save fleet monitoring' }));
    await waitFor(() => expect(lastUpdate(host)).toEqual({ telemetry: null }));
    expect(await screen.findByText(/Metrics are not pushed anywhere/)).toBeTruthy();
  });

  it('shows a live preview of the folder template on a sample file name', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Edit folder /recordings/comswise' }));
    const preview = screen.getByTestId('template-preview');
    await waitFor(() => expect(preview.textContent).toContain('+6785550000'), { timeout: 5000 });
    expect(preview.textContent).toContain('filename (Asia/Kolkata)');
    const asked = host.calls.filter((c) => c.channel === 'metadata:preview').at(-1)?.input as {
      folder: Record<string, unknown>;
    };
    expect(asked.folder).toMatchObject({
      destination: 'comswise',
      template: 'freepbx',
      timezone: 'Asia/Kolkata',
      region: 'IN',
    });
    fireEvent.change(screen.getByLabelText('Sample file name'), { target: { value: 'nothing-useful.wav' } });
    await waitFor(() => expect(preview.textContent).toContain('not in the file name'), { timeout: 5000 });
  });

  it('saves a folder without its template when the person picks none, keeping the other settings', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Edit folder /recordings/comswise' }));
    fireEvent.change(screen.getByLabelText('File name template'), { target: { value: 'none' } });
    fireEvent.change(screen.getByLabelText('Recorder time zone'), { target: { value: 'Europe/Paris' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save folder' }));
    await waitFor(() => expect(lastUpdate(host)).toBeDefined());
    const folder = (lastUpdate(host).folders as Record<string, unknown>[])[0]!;
    expect(folder).toMatchObject({
      path: '/recordings/comswise',
      destination: 'comswise',
      timezone: 'Europe/Paris',
      region: 'IN',
    });
    expect(folder).not.toHaveProperty('template');
    expect(folder.include).toEqual(['**/*.wav']);
  });

  it('saves a bandwidth window in bytes per second', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Add window' }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save bandwidth' }));
    });
    await waitFor(() =>
      expect(lastUpdate(host)).toEqual({
        bandwidth: {
          defaultBytesPerSec: null,
          schedule: [{ from: '09:00', to: '18:00', days: [1, 2, 3, 4, 5], bytesPerSec: 512 * 1024 }],
        },
      }),
    );
  });
});

describe('network settings', () => {
  it('runs the network doctor and shows each destination, its proxy and the first failing step', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Check the network' }));
    const failing = await screen.findByRole('heading', { name: /cx problem/ });
    expect(failing).toBeTruthy();
    expect(screen.getByRole('heading', { name: /comswise works/ })).toBeTruthy();
    expect(host.calls.some((c) => c.channel === 'network:diagnose')).toBe(true);
    expect(screen.getByRole('alert').textContent).toBe(
      'Connection: Cannot reach the proxy http://proxy.corp:3128 (from HTTPS_PROXY) (ECONNREFUSED)',
    );
    expect(screen.getAllByText(/Through http:\/\/proxy\.corp:3128 \(from environment variables\)/)).toHaveLength(2);
    expect(
      screen.getByText(/issued by Corp Inspection CA, valid until 2027-03-01, trusted by the system store/),
    ).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Network steps for cx' })).toBeTruthy();
  });
});
