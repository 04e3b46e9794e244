import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetadataHandlers } from '../../../electron/core/api/metadata-handlers.js';
import { createEnrichmentRegistry } from '../../../electron/core/metadata/call-enrichment.js';
import { createContractDispatcher, type ContractHandlers } from '../../../shared/contract-host.js';
import { createFakeDestination } from '../../fixtures/destinations/fake-destination.js';

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

  it('names each field’s source: file name, agent directory, CDR, sidecar, default', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cr-preview-'));
    try {
      writeFileSync(
        path.join(dir, 'cdr.csv'),
        'calldate,src,dst,cnam,uniqueid,linkedid,disposition,billsec\n2024-02-28 10:30:00,2125550199,101,Ada Lovelace,1709116200.77,1709116200.77,ANSWERED,42\n',
      );
      const sample = 'exten-101-2125550199-20240228-103000-1709116200.77.wav';
      writeFileSync(path.join(dir, sample.replace(/\.wav$/, '.json')), JSON.stringify({ orderId: 'ORD-1' }));
      const registry = createEnrichmentRegistry({ baseDir: dir });
      const folder = {
        path: dir,
        agents: { '101': { agentId: 'agent-asha' } },
        cdr: { csv: 'cdr.csv', waitMs: 60_000, pollMs: 1000 },
      };
      const withEnrichment = createMetadataHandlers({
        getDestination: (n) => destinations[n as keyof typeof destinations],
        enrichmentFor: () => registry.forFolder(folder),
        isWatchedFolder: (p) => p === dir,
      });
      const value = await withEnrichment['metadata:preview']({
        fileName: sample,
        folder: { path: dir, destination: 'cx', template: 'freepbx', region: 'US', defaults: { channel: 'call' } },
      });
      expect(value.fields).toMatchObject({
        callId: '1709116200.77',
        agentId: 'agent-asha',
        customerName: 'Ada Lovelace',
        orderId: 'ORD-1',
        channel: 'call',
      });
      expect(value.sources).toMatchObject({
        callId: 'filename',
        agentId: 'directory',
        customerName: 'cdr',
        orderId: 'sidecar',
        channel: 'folder-default',
      });
      expect(value.missing).toEqual([]);

      // A folder that is not configured: its files are not read for a preview.
      const other = path.join(dir, 'other');
      mkdirSync(other);
      writeFileSync(path.join(other, sample.replace(/\.wav$/, '.json')), JSON.stringify({ orderId: 'ORD-2' }));
      const elsewhere = await withEnrichment['metadata:preview']({
        fileName: sample,
        folder: { path: other, destination: 'cx', template: 'freepbx', region: 'US' },
      });
      expect(elsewhere.fields.orderId).toBeUndefined();
      await registry.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
