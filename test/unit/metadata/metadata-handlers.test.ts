import { describe, expect, it } from 'vitest';
import { createMetadataHandlers } from '../../../electron/core/api/metadata-handlers.js';
import { createContractDispatcher, type ContractHandlers } from '../../../shared/contract-host.js';
import { createFakeDestination } from '../../fixtures/audio/fake-destination.js';

const destinations = { cx: createFakeDestination('cx', ['agentId', 'customerPhone', 'customerName', 'callId']) };
const handlers = createMetadataHandlers({ getDestination: (n) => destinations[n as keyof typeof destinations] });
const dispatcher = createContractDispatcher(handlers as unknown as ContractHandlers);

describe('metadata:preview', () => {
  it('shows what a name yields and what the destination still misses, through the contract', async () => {
    const reply = await dispatcher.dispatch('metadata:preview', {
      fileName: 'in-2125550100-2125550199-20240228-103000-1709116200.123.wav',
      folder: { destination: 'cx', template: 'freepbx', timezone: 'Europe/London', region: 'US' },
    });
    expect(reply.ok).toBe(true);
    const value = (reply as { value: Record<string, unknown> }).value;
    expect(value).toMatchObject({
      fields: { from: '+12125550199', customerPhone: '+12125550199', startTime: '2024-02-28T10:30:00Z' },
      sources: { from: 'filename', endTime: 'probe' },
      error: null,
    });
    const missing = (value.missing as { field: string }[]).map((m) => m.field).sort();
    expect(missing).toEqual(['agentId', 'customerName']);
  });

  it('counts folder defaults as supplied and explains a name that does not match', async () => {
    const value = await handlers['metadata:preview']({
      fileName: 'hello.wav',
      folder: { destination: 'cx', template: 'freepbx', defaults: { agentId: 'a-1', customerName: 'Walk-in' } },
    });
    expect(value.fields).toEqual({ agentId: 'a-1', customerName: 'Walk-in' });
    expect(value.sources).toMatchObject({ agentId: 'folder-default', callId: 'content-hash', startTime: 'mtime' });
    expect(value.missing.map((m) => m.field)).toEqual(['customerPhone']);
    expect(value.error).toMatch(/does not match the freepbx preset/);
  });

  it('says when the destination does not exist', async () => {
    const value = await handlers['metadata:preview']({ fileName: 'a.wav', folder: { destination: 'nope' } });
    expect(value.error).toMatch(/no destination named "nope"/);
  });
});
