// @vitest-environment jsdom
// Settings under a managed policy: what it locks is shown, disabled and marked "Set by your
// organisation"; the rest stays editable; About shows the version and a waiting update.
import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeHost } from './fixtures/fake-host.js';
import { disposeSettings, renderSettings } from './fixtures/render-settings.js';

afterEach(disposeSettings);

const renderWith = (policy: Parameters<typeof createFakeHost>[0]) => renderSettings(createFakeHost(policy));

describe('settings under a managed policy', () => {
  it('locks what the policy enforces and leaves the rest editable', async () => {
    await renderWith({
      policy: { source: '/etc/callrelay/policy.json', locked: ['destinations', 'concurrency.global'], error: null },
    });
    expect((screen.getByLabelText('Transfers at once, in total') as HTMLInputElement).disabled).toBe(true);
    const described = screen.getByLabelText('Transfers at once, in total').getAttribute('aria-describedby')!;
    expect(document.getElementById(described)?.textContent).toContain('Set by your organisation');
    expect((screen.getByLabelText('Transfers at once, per destination') as HTMLInputElement).disabled).toBe(false);
    const destinations = screen.getByRole('region', { name: 'Destinations' });
    expect(within(destinations).getByText(/Set by your organisation/)).toBeTruthy();
    expect(within(destinations).queryByRole('button')).toBeNull();
    expect(screen.getByText(/set by your organisation \(\/etc\/callrelay\/policy\.json\)/)).toBeTruthy();
  });

  it('without a policy nothing is locked', async () => {
    await renderWith({});
    expect((screen.getByLabelText('Transfers at once, in total') as HTMLInputElement).disabled).toBe(false);
    expect(screen.queryByText(/Set by your organisation/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Add destination' })).toBeTruthy();
  });

  it('says when the policy is broken and that the last valid one applies', async () => {
    await renderWith({
      policy: { source: 'p.json', locked: ['concurrency.global'], error: 'The policy from p.json cannot be used: x' },
    });
    expect(screen.getByRole('alert').textContent).toContain('The last valid policy stays in effect.');
  });

  it('About shows the version and the update waiting', async () => {
    await renderWith({});
    expect((await screen.findByTestId('about-version')).textContent).toBe('CallRelay 1.2.3');
    expect(screen.getByTestId('about-update').textContent).toContain('Version 1.3.0 waits to be installed.');
  });
});
