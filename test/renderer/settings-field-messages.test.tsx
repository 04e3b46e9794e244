// @vitest-environment jsdom
// Issue 14: validation next to its field, never before the person typed; a refused save names
// the field where it is; platform defaults as fields generated from the kind's schema, with the
// keys the schema does not name kept.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DestinationInput } from '../../shared/contract.js';
import { draftOf, fieldsFromSchema, labelOf, readDraft } from '../../renderer/src/views/settings/defaults-fields.js';
import { createFakeHost } from './fixtures/fake-host.js';
import { disposeSettings, renderSettings } from './fixtures/render-settings.js';

afterEach(disposeSettings);

/** The message a field points at (aria-describedby), or null; and whether it sits in the field's own box. */
function messageOf(input: HTMLElement): { text: string; besideField: boolean } | null {
  const id = input
    .getAttribute('aria-describedby')
    ?.split(' ')
    .find((i) => i.endsWith('-error'));
  const message = id ? document.getElementById(id) : null;
  if (!message) return null;
  return { text: message.textContent ?? '', besideField: input.closest('.form-field')!.contains(message) };
}

describe('field messages', () => {
  it('says nothing when Add folder opens, and asks for no preview of an empty path', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Add folder' }));
    const form = screen.getByRole('form', { name: 'New folder' });
    await waitFor(() => expect(host.calls.some((c) => c.channel === 'metadata:preview')).toBe(true), {
      timeout: 5000,
    });
    expect(form.querySelectorAll('.field-error')).toHaveLength(0);
    expect(within(form).getByTestId('template-preview').textContent).not.toMatch(/not valid|Invalid input/);
    const asked = host.calls.find((c) => c.channel === 'metadata:preview')!.input as { folder: object };
    expect(asked.folder).not.toHaveProperty('path');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a message under its field once the person typed and left it, and drops it when fixed', async () => {
    await renderSettings();
    const total = screen.getByLabelText('Transfers at once, in total');
    fireEvent.focus(total);
    fireEvent.blur(total);
    expect(messageOf(total)).toBeNull();
    fireEvent.change(total, { target: { value: '99' } });
    expect(messageOf(total)).toBeNull();
    fireEvent.blur(total);
    expect(messageOf(total)).toEqual({
      text: 'Transfers in total: give a whole number from 1 to 64.',
      besideField: true,
    });
    expect(total.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(total, { target: { value: '12' } });
    expect(messageOf(total)).toBeNull();
  });

  it('puts the host refusing a folder next to the folder path, and the outcome beside Save', async () => {
    const host = await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Add folder' }));
    const form = screen.getByRole('form', { name: 'New folder' });
    const pathInput = within(form).getByLabelText('Folder path');
    fireEvent.change(pathInput, { target: { value: '/missing/recordings' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save folder' }));
    await waitFor(() => expect(messageOf(pathInput)).not.toBeNull());
    expect(messageOf(pathInput)).toEqual({
      text: 'The folder "/missing/recordings" does not exist; create it or fix the path.',
      besideField: true,
    });
    const status = within(form)
      .getAllByRole('status')
      .find((s) => s.classList.contains('save-status'))!;
    expect(status.textContent).toBe('Folder /missing/recordings not saved: one field needs a change, marked above.');
    expect(status.closest('.form-actions')).not.toBeNull();
    // Nothing at the top of the page, far from the field; the config file is not named.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.body.textContent).not.toContain('folders.1.path');
    expect(document.body.textContent).not.toContain('config.json:');
    // Fixing the path clears the host's message for it.
    fireEvent.change(pathInput, { target: { value: '/recordings/new' } });
    expect(messageOf(pathInput)).toBeNull();
    expect(host.settings.folders).toHaveLength(1);
  });

  it('says "saved" beside the Save button that was pressed', async () => {
    await renderSettings();
    fireEvent.change(screen.getByLabelText('Transfers at once, in total'), { target: { value: '6' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save concurrency' }));
    const saved = await screen.findByText('Concurrency saved.');
    const form = screen.getByRole('form', { name: 'Concurrency' });
    expect(form.contains(saved)).toBe(true);
    expect(screen.getByRole('form', { name: 'Bandwidth' }).textContent).not.toContain('saved');
  });

  it('a connection test that works says so once, in plain words', async () => {
    await renderSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Edit destination comswise' }));
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    const answer = await screen.findByTestId('connection-test');
    expect(answer.textContent).not.toMatch(/^Connected: Connected/);
  });
});

const cxDefaults = z
  .object({
    agentId: z.uuid({ message: 'must be a UUID (the agent’s id in cx)' }).optional(),
    channel: z.enum(['call', 'sms', 'whatsapp', 'webchat']).optional(),
    priority: z.number().int().min(1).max(5).optional(),
    recorded: z.boolean().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

describe('platform defaults as fields', () => {
  it('generates a field per key of the kind’s schema, with a list for an enum', () => {
    const fields = fieldsFromSchema(cxDefaults);
    expect(fields.map((f) => [f.key, f.label, f.control])).toEqual([
      ['agentId', 'Agent ID', 'text'],
      ['channel', 'Channel', 'select'],
      ['priority', 'Priority', 'number'],
      ['recorded', 'Recorded', 'boolean'],
      ['metadata', 'Metadata', 'json'],
    ]);
    expect(fields[1]!.options).toEqual(['call', 'sms', 'whatsapp', 'webchat']);
    expect(fields[0]!.hint).toMatch(/UUID/);
    expect(labelOf('company_id')).toBe('Company ID');
  });

  it('reads the fields back with the schema, and keeps every key the schema does not name', () => {
    const fields = fieldsFromSchema(cxDefaults);
    const stored = { agentId: 'not-a-uuid', channel: 'sms', legacy_team: 'blue', weights: [1, 2], priority: 'high' };
    const draft = draftOf(stored, fields);
    expect(draft.fields).toEqual({ agentId: 'not-a-uuid', channel: 'sms' });
    // A stored value of another type than the field's is kept as it is, as an other field.
    expect(draft.extras).toEqual([
      { name: 'legacy_team', value: 'blue', json: false },
      { name: 'weights', value: '[1,2]', json: true },
      { name: 'priority', value: 'high', json: false },
    ]);
    const read = readDraft(draft, fields);
    expect(read.errors).toEqual({ 'defaults.agentId': 'Must be a UUID (the agent’s id in cx)' });
    const fixed = readDraft(
      { ...draft, fields: { ...draft.fields, agentId: '123e4567-e89b-12d3-a456-426614174000' } },
      fields,
    );
    expect(fixed.errors).toEqual({});
    expect(fixed.value).toEqual({
      agentId: '123e4567-e89b-12d3-a456-426614174000',
      channel: 'sms',
      legacy_team: 'blue',
      weights: [1, 2],
      priority: 'high',
    });
  });

  it('edits cx’s defaults as fields from its spec, not a JSON box, and saves the keys cx does not name', async () => {
    const host = createFakeHost();
    const agent = '123e4567-e89b-12d3-a456-426614174000';
    host.settings.destinations[1]!.defaults = { agentId: 'agent-7', call_group: 12, channel: 'call' };
    await renderSettings(host);
    fireEvent.click(screen.getByRole('button', { name: 'Edit destination cx' }));
    const form = screen.getByRole('form', { name: 'Edit cx' });
    expect(within(form).queryByLabelText(/JSON, optional/)).toBeNull();
    const group = within(form).getByRole('group', { name: 'Platform defaults' });
    // Fields generated from cx's defaults schema: its enum is a list, its UUIDs say so.
    const agentId = within(group).getByLabelText('Agent ID') as HTMLInputElement;
    expect(agentId.value).toBe('agent-7');
    const channel = within(group).getByLabelText('Channel') as HTMLSelectElement;
    expect([...channel.options].map((o) => o.value)).toEqual(['', 'call', 'sms', 'whatsapp', 'webchat']);
    expect(channel.value).toBe('call');
    expect(within(group).getByLabelText('Skill ID')).toBeTruthy();
    // A key cx does not name stays, as an other field.
    const names = within(group)
      .getAllByLabelText('Name on the platform')
      .map((i) => (i as HTMLInputElement).value);
    expect(names).toEqual(['call_group']);
    // The stored agent id is not a UUID: Save shows why, by the field, and sends nothing.
    fireEvent.click(within(form).getByRole('button', { name: 'Save destination' }));
    expect(messageOf(agentId)?.text).toMatch(/Must be a UUID/);
    expect(messageOf(agentId)?.besideField).toBe(true);
    expect(host.calls.some((c) => c.channel === 'settings:update')).toBe(false);
    fireEvent.change(agentId, { target: { value: agent } });
    expect(messageOf(agentId)).toBeNull();
    fireEvent.click(within(group).getByRole('button', { name: 'Add a platform field' }));
    fireEvent.change(within(group).getAllByLabelText('Name on the platform').at(-1)!, {
      target: { value: 'campaign' },
    });
    fireEvent.change(
      within(group)
        .getAllByLabelText(/^Value/)
        .at(-1)!,
      { target: { value: 'spring' } },
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Save destination' }));
    await waitFor(() => expect(host.calls.some((c) => c.channel === 'settings:update')).toBe(true));
    const sent = (
      host.calls.filter((c) => c.channel === 'settings:update').at(-1)!.input as {
        destinations: DestinationInput[];
      }
    ).destinations.find((d) => d.name === 'cx')!;
    expect(sent.defaults).toEqual({ agentId: agent, channel: 'call', call_group: 12, campaign: 'spring' });
  });
});
