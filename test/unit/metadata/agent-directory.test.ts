// The agent directory: the extension a recording's name (or its CDR) gives fills the agent fields,
// from a config map or a CSV re-read when it changes; an unknown extension holds a call for
// review only where the destination needs the agent; and every higher source still wins.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnrichmentRegistry, type EnrichmentRegistry } from '../../../electron/core/metadata/call-enrichment.js';
import {
  describeAppearingRecording,
  describeRecording,
  type MetadataSettings,
} from '../../../electron/core/metadata/describe-recording.js';
import { decideState } from '../../../electron/core/watch/intake.js';
import type { AgentDirectoryConfig } from '../../../shared/config.js';
import { createFakeDestination } from '../../fixtures/destinations/fake-destination.js';
import { makeWav } from '../../fixtures/audio/wav.js';

let dir: string;
let registry: EnrichmentRegistry | null = null;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cr-agents-'));
});
afterEach(async () => {
  await registry?.close();
  registry = null;
  rmSync(dir, { recursive: true, force: true });
});

const settings: MetadataSettings = { template: 'freepbx', timezone: 'America/New_York', region: 'US' };
const outbound101 = 'out-2125550199-101-20240228-103000-1709116200.124.wav';
const map: AgentDirectoryConfig = {
  '101': { agentId: 'agent-asha', userId: '7c1e6a2b-1d3f-4e5a-9b8c-0d1e2f3a4b5c', name: 'Asha Rao' },
  '102': { agentId: 'agent-ben' },
};

let tone = 300;
function recording(name: string): string {
  const file = path.join(dir, name);
  // A different tone each time, so no two recordings share a hash.
  writeFileSync(file, makeWav({ seconds: 0.2, frequency: (tone += 7) }));
  return file;
}

async function describeWith(
  file: string,
  folder: { agents?: AgentDirectoryConfig; defaults?: MetadataSettings['defaults']; template?: string },
  globalAgents?: AgentDirectoryConfig,
) {
  registry ??= createEnrichmentRegistry({ globalAgents, baseDir: dir });
  const enrichment = registry.forFolder({ path: dir, agents: folder.agents });
  const { agents: _agents, ...rest } = folder;
  return describeRecording({ path: file, settings: { ...settings, ...rest }, enrichment });
}

describe('agent directory', () => {
  it('fills agentId, userId and the agent’s name from the extension in the name', async () => {
    const d = await describeWith(recording(outbound101), { agents: map });
    expect(d.call).toMatchObject({
      extensionId: '101',
      agentId: 'agent-asha',
      userId: '7c1e6a2b-1d3f-4e5a-9b8c-0d1e2f3a4b5c',
      extra: { agentName: 'Asha Rao' },
    });
    expect(d.sources).toMatchObject({ agentId: 'directory', userId: 'directory', extensionId: 'filename' });
  });

  it('beats the folder default (which cannot say who took each call), loses to the name and to a sidecar', async () => {
    const byDefault = await describeWith(recording(outbound101), {
      agents: map,
      defaults: { agentId: 'agent-whole-floor' },
    });
    expect(byDefault.call.agentId).toBe('agent-asha');

    const named = await describeWith(recording('zed7_101_20240228103000.wav'), {
      agents: map,
      template: '{agentId:word}_{from:digits}_{start:YYYYMMDDHHmmss}',
    });
    expect(named.call).toMatchObject({ agentId: 'zed7', extensionId: '101', userId: map['101']!.userId });
    expect(named.sources).toMatchObject({ agentId: 'filename', userId: 'directory' });

    const file = recording('out-2125550199-102-20240228-103000-1709116200.125.wav');
    writeFileSync(file.replace(/\.wav$/, '.json'), JSON.stringify({ agent: 'agent-from-sidecar' }));
    const sidecar = await describeWith(file, { agents: map });
    expect(sidecar.call.agentId).toBe('agent-from-sidecar');
    expect(sidecar.sources.agentId).toBe('sidecar');
  });

  it('reads a CSV and reads it again when it changes', async () => {
    const csv = path.join(dir, 'agents.csv');
    writeFileSync(csv, 'Extension,Agent ID,User ID,Name\n101,agent-old,,Old Name\n');
    const first = await describeWith(recording(outbound101), { agents: 'agents.csv' });
    expect(first.call).toMatchObject({ agentId: 'agent-old', extra: { agentName: 'Old Name' } });
    expect(first.call.userId).toBeUndefined();

    writeFileSync(csv, 'extension,agentId,userId,name\n101,agent-new,9b2f6c1e-4a7d-4e0b-8f3a-2d5c6e7f8a90,New Name\n');
    // Same size is possible after an edit; a new mtime is what marks it changed.
    utimesSync(csv, new Date(), new Date(Date.now() + 5000));
    const second = await describeWith(recording(outbound101.replace('.124', '.126')), { agents: 'agents.csv' });
    expect(second.call).toMatchObject({ agentId: 'agent-new', userId: '9b2f6c1e-4a7d-4e0b-8f3a-2d5c6e7f8a90' });
  });

  it('a folder’s own directory first, then the global one', async () => {
    const global: AgentDirectoryConfig = { '101': { agentId: 'global-101' }, '103': { agentId: 'global-103' } };
    const own = await describeWith(recording(outbound101), { agents: map }, global);
    expect(own.call.agentId).toBe('agent-asha');
    const fallback = await describeWith(
      recording('out-2125550199-103-20240228-103000-1709116200.127.wav'),
      { agents: map },
      global,
    );
    expect(fallback.call.agentId).toBe('global-103');
  });

  it('an unknown extension holds the call only where the destination needs the agent', async () => {
    const d = await describeWith(recording('out-2125550199-105-20240228-103000-1709116200.128.wav'), {
      agents: map,
    });
    expect(d.call.agentId).toBeUndefined();
    const note = expect.objectContaining({
      field: 'agentId',
      message: expect.stringContaining('extension 105 is not in the agent directory'),
    });
    expect(d.issues).toContainEqual(note);

    const needsAgent = decideState(d, 'agents', createFakeDestination('agents', ['agentId']), false);
    expect(needsAgent.state).toBe('needs-review');
    expect(needsAgent.reviewIssues).toContainEqual(note);

    const noAgent = decideState(d, 'archive', createFakeDestination('archive', []), false);
    expect(noAgent.state).toBe('queued');
    expect(noAgent.reason).toMatch(/queued with notes: .*extension 105 is not in the agent directory/);
  });

  it('a directory file that is gone is a note, not a failure', async () => {
    const d = await describeWith(recording(outbound101), { agents: 'missing.csv' });
    expect(d.problem).toBeNull();
    expect(d.issues).toContainEqual(
      expect.objectContaining({ field: 'agentId', message: expect.stringMatching(/missing\.csv does not exist/) }),
    );
  });

  it('fills the agent of a live call the moment its recording appears', async () => {
    registry = createEnrichmentRegistry({ baseDir: dir });
    const file = recording(outbound101);
    const d = await describeAppearingRecording({
      path: file,
      settings,
      stat: { sizeBytes: 44, mtimeMs: Date.now() },
      enrichment: registry.forFolder({ path: dir, agents: map }),
    });
    expect(d.call).toMatchObject({ extensionId: '101', agentId: 'agent-asha' });
    expect(d.blocking).toEqual([]);
  });
});
