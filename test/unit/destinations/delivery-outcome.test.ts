// The outcome every creating kind reports: the created call's id and what its create answer said.
import { describe, expect, it } from 'vitest';
import { createdCallOutcome } from '../../../electron/core/destinations/delivery-outcome.js';

const now = Date.UTC(2024, 1, 28, 10, 30, 0, 123);

describe('createdCallOutcome', () => {
  it('reports the created call as the first result, with the platform answer, not polled by default', () => {
    const outcome = createdCallOutcome(
      {
        remoteId: 'c-1',
        status: 'registered',
        transcriptText: 'hello',
        recordingUrl: 'https://rec/1.mp3',
        raw: { id: 'c-1', extra: 1 },
      },
      now,
    );
    expect(outcome).toStrictEqual({
      remoteId: 'c-1',
      result: {
        remoteId: 'c-1',
        status: 'registered',
        summary: null,
        transcriptUrl: null,
        transcriptText: 'hello',
        recordingUrl: 'https://rec/1.mp3',
        raw: { id: 'c-1', extra: 1 },
        fetchedAt: '2024-02-28T10:30:00Z',
      },
      pollResults: false,
    });
  });

  it('leaves raw out when there is no answer to keep (an adopted call), and polls when asked', () => {
    const outcome = createdCallOutcome(
      { remoteId: 'c-2', status: null, transcriptText: null, recordingUrl: null, raw: null },
      now,
      { pollResults: true },
    );
    expect(outcome.pollResults).toBe(true);
    expect(outcome.result).not.toHaveProperty('raw');
    expect(outcome.result).toStrictEqual({
      remoteId: 'c-2',
      status: null,
      summary: null,
      transcriptUrl: null,
      transcriptText: null,
      recordingUrl: null,
      fetchedAt: '2024-02-28T10:30:00Z',
    });
  });
});
