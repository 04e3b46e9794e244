// What the review form asks for comes from the host, by the rule that held the job: the
// destination's own check of the call as it would be sent (here a real cx destination whose
// defaults give agentId, skillId and channel, as the demo's do).
import { describe, expect, it } from 'vitest';
import { checkCall, createReviewHandlers } from '../../../electron/core/api/review-handlers.js';
import type { RecordingSource } from '../../../electron/core/api/recording-source.js';
import { createDestination } from '../../../electron/core/destinations/create-destination.js';
import { decideState } from '../../../electron/core/watch/intake.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import type { JobRecord } from '../../../electron/core/outbox/outbox.js';
import { DestinationConfig } from '../../../shared/config.js';
import type { RecordingInfo } from '../../../shared/model.js';

const cx = createDestination(
  DestinationConfig.parse({
    name: 'cx',
    kind: 'cx',
    baseUrl: 'http://127.0.0.1:9/cx',
    auth: { username: 'u', password: 'p' },
    defaults: { agentId: '123e4567-e89b-12d3-a456-426614174000', skillId: '123e4567-e89b-12d3-a456-426614174001' },
  }),
  { logger: createSilentLogger(), clock: systemClock },
);

const recording: RecordingInfo = {
  path: '/recordings/cx/call.wav',
  fileName: 'call.wav',
  sizeBytes: 1000,
  mtimeMs: 0,
  sha256: 'a'.repeat(64),
  contentType: 'audio/wav',
  durationSec: 1,
  channels: 1,
  sampleRate: 8000,
  codec: 'PCM',
};

function job(call: JobRecord['call'], folder = '/recordings/cx'): JobRecord {
  return { id: 'job-1', destination: 'cx', folder, recording, call, reviewIssues: [] } as unknown as JobRecord;
}

const deps = {
  getJob: () => null,
  getDestination: (name: string) => (name === 'cx' ? cx : undefined),
  folderDefaults: () => ({ direction: 'inbound' }),
  recordings: {} as RecordingSource,
};

describe('review check', () => {
  it('asks for what cx still lacks only; its defaults are filled, with their value and source', () => {
    const check = checkCall(job({ callId: 'c-1' }), deps);
    expect(check.missing.map((i) => i.field)).toEqual(['customerName', 'customerPhone']);
    // The same fields that held the job at intake: one rule, not a copy.
    const intake = decideState(
      { recording, call: { callId: 'c-1' }, problem: null, issues: [], sources: {} } as never,
      'cx',
      cx,
      false,
    );
    expect(intake.reviewIssues.map((i) => i.field)).toEqual(check.missing.map((i) => i.field));
    expect(check.filled).toEqual(
      expect.arrayContaining([
        { field: 'agentId', value: '123e4567-e89b-12d3-a456-426614174000', from: 'destination' },
        { field: 'skillId', value: '123e4567-e89b-12d3-a456-426614174001', from: 'destination' },
        { field: 'channel', value: 'call', from: 'destination' },
      ]),
    );
  });

  it("says where other values came from: the folder's defaults, the recording, the caller's number", () => {
    const check = checkCall(job({ callId: 'c-1', direction: 'inbound', from: '+13125550002' }), deps);
    expect(check.missing.map((i) => i.field)).toEqual(['customerName']);
    expect(check.filled).toEqual(
      expect.arrayContaining([
        { field: 'customerPhone', value: '+13125550002', from: 'derived' },
        { field: 'direction', value: 'inbound', from: 'folder' },
        { field: 'from', value: '+13125550002', from: 'recording' },
      ]),
    );
  });

  it('checks unsaved edits for one job, and names a missing destination', () => {
    const handlers = createReviewHandlers({
      ...deps,
      getJob: (id) => (id === 'job-1' ? job({ callId: 'c-1' }) : null),
    });
    const reply = handlers['review:check']({ ids: ['job-1', 'gone'], call: undefined }) as { items: unknown[] };
    expect(reply.items).toHaveLength(1);
    const edited = handlers['review:check']({ ids: ['job-1'], call: { customerName: 'Asha Rao' } }) as {
      items: { missing: { field: string }[] }[];
    };
    expect(edited.items[0]!.missing.map((i) => i.field)).toEqual(['customerPhone']);
    expect(() => handlers['review:check']({ ids: ['job-1', 'job-2'], call: { customerName: 'A' } })).toThrow(/one job/);
    const orphan = checkCall({ ...job({ callId: 'c-1' }), destination: 'gone' } as JobRecord, deps);
    expect(orphan.missing[0]!.field).toBe('destination');
  });
});
