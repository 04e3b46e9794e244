// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallPatch, FieldIssue } from '../../shared/model.js';
import { CallForm, validateCallFields } from '../../renderer/src/views/call-form.js';
import { makeJob } from './fixtures/fake-host.js';

afterEach(cleanup);

const cxSchema = { kind: 'cx' as const, required: ['callId', 'customerName', 'customerPhone'], optional: ['notes'] };

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
    expect(screen.getByText(/expected an E.164 phone number/)).toBeTruthy();
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
    expect(validateCallFields({ from: '5550000' }).from).toMatch(/E.164/);
  });
});
