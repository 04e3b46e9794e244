// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallPatch, FieldIssue } from '../../shared/model.js';
import { CallForm, validateCallFields } from '../../renderer/src/views/call-form.js';
import { makeJob } from './fixtures/fake-host.js';

afterEach(cleanup);

const cxSchema = { kind: 'cx' as const, required: ['callId', 'customerName', 'customerPhone'], optional: ['notes'] };

function setupQuick(onSave = vi.fn(async (_patch: CallPatch, _queue: boolean): Promise<FieldIssue[] | null> => [])) {
  const job = makeJob(4, 'needs-review', { destination: 'cx' });
  const schema = {
    kind: 'cx' as const,
    required: ['callId', 'agentId', 'channel', 'skillId', 'customerName', 'customerPhone'],
    optional: ['from', 'to', 'direction'],
  };
  const check = {
    id: job.id,
    missing: [
      { field: 'customerName', message: 'required by cx (its field customerName)' },
      { field: 'customerPhone', message: 'required by cx (its field customerPhone)' },
    ],
    filled: [
      { field: 'agentId', value: '123e4567-e89b-12d3-a456-426614174000', from: 'destination' as const },
      { field: 'channel', value: 'call', from: 'destination' as const },
    ],
  };
  render(
    <CallForm
      job={job}
      schema={schema}
      check={check}
      region="US"
      hostIssues={check.missing}
      timeZone="America/Chicago"
      saving={false}
      primaryLabel="Save and next"
      onSave={onSave}
    />,
  );
  return { onSave };
}

function setup(onSave = vi.fn(async (_patch: CallPatch, _queue: boolean): Promise<FieldIssue[] | null> => [])) {
  const job = makeJob(3, 'needs-review', { destination: 'cx' });
  render(
    <CallForm
      job={job}
      schema={cxSchema}
      hostIssues={job.reviewIssues}
      timeZone="Asia/Kolkata"
      saving={false}
      primaryLabel="Save and next"
      onSave={onSave}
    />,
  );
  return { onSave, job };
}

describe('call form', () => {
  it('shows only the fields the destination takes, marking the required ones', () => {
    setup();
    expect(screen.getByLabelText(/Customer name/)).toHaveProperty('required', false);
    expect(screen.getByLabelText(/Customer name/).getAttribute('aria-required')).toBe('true');
    expect(screen.getByLabelText(/Notes/).getAttribute('aria-required')).toBeNull();
    expect(screen.queryByLabelText(/Agent ID/)).toBeNull();
  });

  it("shows the host's review issue inline on its field", () => {
    setup();
    const input = screen.getByLabelText(/Customer name/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const describedBy = input.getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(describedBy.split(' ').at(-1)!)?.textContent).toBe('cx requires a customer name');
  });

  it('refuses a phone number that is not E.164 and says how to write it, without calling the host', async () => {
    const { onSave } = setup();
    fireEvent.change(screen.getByLabelText(/Customer name/), { target: { value: 'Asha Rao' } });
    fireEvent.change(screen.getByLabelText(/Customer phone/), { target: { value: '98450 12345' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and next' }));
    await waitFor(() => expect(screen.getByLabelText(/Customer phone/).getAttribute('aria-invalid')).toBe('true'));
    // Without a folder region a national number cannot be read (the core's rule, shared/phone-number.ts).
    expect(screen.getByText(/has no country code and the folder has no default region/)).toBeTruthy();
    expect(screen.getByText(/International format: \+ country code/)).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByLabelText(/Customer phone/));
  });

  it('leaves empty required fields to the host instead of blocking the save', async () => {
    // The destination may fill them from its defaults: only the host can tell.
    const onSave = vi.fn(async () => [{ field: 'customerPhone', message: 'cx requires a customer phone' }]);
    setup(onSave);
    fireEvent.change(screen.getByLabelText(/Customer name/), { target: { value: 'Asha Rao' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and next' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ customerName: 'Asha Rao' }, true));
  });

  it('sends only the changed fields, with phone punctuation removed, and asks to queue', async () => {
    const { onSave } = setup();
    fireEvent.change(screen.getByLabelText(/Customer name/), { target: { value: ' Asha Rao ' } });
    fireEvent.change(screen.getByLabelText(/Customer phone/), { target: { value: '+91 98450-12345' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and next' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(1));
    expect(onSave).toHaveBeenCalledWith({ customerName: 'Asha Rao', customerPhone: '+919845012345' }, true);
  });

  it('validates with the canonical schema', () => {
    expect(validateCallFields({ startTime: '2024-02-28 10:30' }).startTime).toMatch(/ISO 8601/);
    expect(validateCallFields({ startTime: '2024-02-28T10:30:00Z', to: '+15550000000', agentId: '' })).toEqual({});
    expect(validateCallFields({ from: '5550000' }).from).toMatch(/no country code/);
    expect(validateCallFields({ from: '312 555 0002' }, 'US')).toEqual({});
    expect(validateCallFields({ customerPhone: '101' }, 'US').customerPhone).toMatch(/extension/);
  });

  it('shows first only what the host says is missing; what the defaults fill is listed, the rest is under More', () => {
    setupQuick();
    const missing = screen.getByTestId('missing-fields');
    expect([...missing.querySelectorAll('input')].map((i) => i.name)).toEqual(['customerName', 'customerPhone']);
    const filled = screen.getByTestId('filled-fields');
    expect(filled.textContent).toContain('123e4567-e89b-12d3-a456-426614174000');
    expect(filled.textContent).toContain("from cx's defaults");
    // Agent ID is editable under "More fields", not asked for.
    const agent = screen.getByLabelText(/Agent ID/);
    expect(agent.closest('details')).not.toBeNull();
    expect(agent.getAttribute('aria-required')).toBeNull();
    expect(screen.getAllByText('(required)', { exact: false })).toHaveLength(2);
  });

  it('clears "required" as soon as the field is filled, and reads a national number with the folder region', async () => {
    const { onSave } = setupQuick();
    const name = screen.getByLabelText(/Customer name/);
    expect(name.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(name, { target: { value: 'Asha Rao' } });
    expect(name.getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByText('required by cx (its field customerName)')).toBeNull();
    fireEvent.change(screen.getByLabelText(/Customer phone/), { target: { value: '312 555 0002' } });
    expect(screen.getByTestId('e164-customerPhone').textContent).toBe('+13125550002');
    fireEvent.click(screen.getByRole('button', { name: 'Save and next' }));
    await waitFor(() =>
      expect(onSave).toHaveBeenCalledWith({ customerName: 'Asha Rao', customerPhone: '+13125550002' }, true),
    );
  });
});
