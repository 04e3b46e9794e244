// The state decision for a described recording, as a pure function: no files, no outbox.
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../electron/core/destinations/destination.js';
import type { RecordingDescription } from '../../../electron/core/metadata/describe-recording.js';
import { decideState, inProgress, withLiveStatus } from '../../../electron/core/watch/decide-state.js';
import { createFakeDestination } from '../../fixtures/destinations/fake-destination.js';

function described(extra: Partial<RecordingDescription> = {}): RecordingDescription {
  return {
    recording: {
      path: '/srv/rec/a.wav',
      fileName: 'a.wav',
      sizeBytes: 1000,
      mtimeMs: 1,
      sha256: 'a'.repeat(64),
      contentType: 'audio/wav',
      durationSec: 1,
      channels: 1,
      sampleRate: 8000,
      codec: 'pcm_s16le',
    },
    call: { callId: 'c1' },
    sources: {},
    issues: [],
    problem: null,
    ...extra,
  };
}

const plain = createFakeDestination('main', [], 'cx');
const needsAgent = createFakeDestination('strict', ['agentId'], 'cx');

describe('decideState', () => {
  it('queues a recording its destination accepts, keeping field notes as the reason', () => {
    expect(decideState(described(), 'main', plain, false)).toEqual({ state: 'queued', reviewIssues: [] });
    const noted = decideState(
      described({ issues: [{ field: 'from', message: 'from did not read as a number' }] }),
      'main',
      plain,
      false,
    );
    expect(noted).toEqual({
      state: 'queued',
      reviewIssues: [],
      reason: 'queued with notes: from did not read as a number',
    });
  });

  it('fails a recording whose probe failed, before asking the destination anything', () => {
    let asked = false;
    const watching: Destination = { ...plain, validate: () => ((asked = true), []) };
    const decision = decideState(
      described({ problem: { state: 'failed', reason: 'not audio' } }),
      'main',
      watching,
      false,
    );
    expect(decision).toEqual({
      state: 'failed',
      reviewIssues: [{ field: 'recording', message: 'not audio' }],
      reason: 'not audio',
    });
    expect(asked).toBe(false);
  });

  it('asks for review when the probe doubts the file, naming that first', () => {
    const decision = decideState(
      described({ problem: { state: 'needs-review', reason: 'duration unknown' } }),
      'strict',
      needsAgent,
      false,
    );
    expect(decision.state).toBe('needs-review');
    expect(decision.reason).toBe('duration unknown');
    expect(decision.reviewIssues.map((i) => i.field)).toEqual(['recording', 'agentId']);
  });

  it('asks for review when the destination is missing, rejects the call or cannot check it', () => {
    const missing = decideState(described(), 'gone', undefined, false);
    expect(missing.state).toBe('needs-review');
    expect(missing.reviewIssues[0]).toMatchObject({ field: 'destination', message: expect.stringMatching(/"gone"/) });
    const rejected = decideState(described(), 'strict', needsAgent, false);
    expect(rejected).toMatchObject({
      state: 'needs-review',
      reason: 'strict needs: agentId (strict requires agentId)',
    });
    const throwing: Destination = {
      ...plain,
      validate: () => {
        throw new Error('schema broke');
      },
    };
    expect(decideState(described(), 'main', throwing, false).reviewIssues).toEqual([
      { field: 'call', message: 'the destination could not check this call: schema broke' },
    ]);
  });

  it('holds an acceptable call for review when the folder says so', () => {
    expect(decideState(described(), 'main', plain, true)).toEqual({
      state: 'needs-review',
      reviewIssues: [],
      reason: 'this folder holds every call for review',
    });
  });
});

describe('withLiveStatus', () => {
  const live = createFakeDestination('live');
  it('marks the call in-progress only for a live-calls folder whose destination can open live calls', () => {
    expect(live.openLiveCall).toBeTypeOf('function');
    const d = described();
    const marked = withLiveStatus(d, { liveCalls: true }, live);
    expect(marked.call.status).toBe('in-progress');
    expect(marked.sources.status).toBe('derived');
    // The input is not changed: a pure function.
    expect(d.call.status).toBeUndefined();
    expect(withLiveStatus(d, { liveCalls: false }, live)).toBe(d);
    expect(withLiveStatus(d, { liveCalls: true }, plain)).toBe(d);
    expect(withLiveStatus(d, { liveCalls: true }, undefined)).toBe(d);
  });

  it('goes by the capability, not by the platform name', () => {
    const d = described();
    const { openLiveCall: _, ...comswiseWithout } = live;
    expect(withLiveStatus(d, { liveCalls: true }, comswiseWithout)).toBe(d);
    const otherKind: Destination = { ...plain, openLiveCall: () => Promise.resolve() };
    expect(withLiveStatus(d, { liveCalls: true }, otherKind).call.status).toBe('in-progress');
  });

  it('leaves a status metadata gave, and inProgress always sets it', () => {
    const done = described({ call: { callId: 'c1', status: 'completed' } });
    expect(withLiveStatus(done, { liveCalls: true }, live)).toBe(done);
    expect(inProgress(done).call.status).toBe('in-progress');
  });
});
