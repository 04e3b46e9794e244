import { describe, expect, it } from 'vitest';
import {
  LeaseLostError,
  PermanentError,
  ReviewError,
  TransientError,
  errorFromStatus,
} from '../../../electron/core/delivery-errors.js';
import { createRetryPolicy, fullJitterDelay } from '../../../electron/core/engine/retry-policy.js';

describe('retry policy', () => {
  it('backs off exponentially with full jitter under a ceiling', () => {
    expect(fullJitterDelay(0, 1000, 60_000, () => 0.999)).toBe(999);
    expect(fullJitterDelay(3, 1000, 60_000, () => 0.5)).toBe(4000);
    expect(fullJitterDelay(30, 1000, 60_000, () => 0.5)).toBe(30_000);
    expect(fullJitterDelay(5, 1000, 60_000, () => 0)).toBe(0);
    const policy = createRetryPolicy({ baseMs: 100, maxMs: 1000 });
    for (let i = 0; i < 200; i++) {
      const d = policy.backoffMs(i % 12);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });

  it('retries transient errors without an attempt cap', () => {
    const policy = createRetryPolicy({ baseMs: 100, maxMs: 1000, random: () => 1 });
    const decision = policy.decide(new TransientError('HTTP 503: busy'), 10_000);
    expect(decision).toEqual({ kind: 'retry', delayMs: 1000, message: 'HTTP 503: busy', unreachable: false });
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const policy = createRetryPolicy({ random: () => 0.5 });
    const seconds = policy.decide(errorFromStatus(429, 'slow down', '7', now), 0);
    expect(seconds).toMatchObject({ kind: 'retry', delayMs: 7000 });
    const date = policy.decide(errorFromStatus(503, 'maintenance', 'Wed, 01 Jan 2025 00:02:00 GMT', now), 0);
    expect(date).toMatchObject({ kind: 'retry', delayMs: 120_000 });
    const capped = createRetryPolicy({ maxRetryAfterMs: 5000 }).decide(errorFromStatus(429, '', '99999', now), 0);
    expect(capped).toMatchObject({ delayMs: 5000 });
  });

  it('retries 408, 423, 429 and 5xx; fails other 4xx with the server message', () => {
    const policy = createRetryPolicy();
    for (const status of [408, 423, 429, 500, 502, 503, 504]) {
      expect(policy.decide(errorFromStatus(status, 'x', null, 0), 0).kind).toBe('retry');
    }
    for (const status of [400, 401, 403, 404, 409, 413, 422]) {
      expect(policy.decide(errorFromStatus(status, 'agent_id is required', null, 0), 0)).toEqual({
        kind: 'failed',
        message: `HTTP ${status}: agent_id is required`,
      });
    }
    expect(policy.decide(new PermanentError('HTTP 400: bad'), 0).kind).toBe('failed');
  });

  it('sends review errors to a person, flags unreachable destinations and spots lost leases', () => {
    const policy = createRetryPolicy();
    const review = policy.decide(new ReviewError([{ field: 'agentId', message: 'required' }]), 0);
    expect(review).toEqual({
      kind: 'review',
      message: 'agentId: required',
      issues: [{ field: 'agentId', message: 'required' }],
    });
    expect(policy.decide(new TransientError('ECONNREFUSED', { unreachable: true }), 0)).toMatchObject({
      unreachable: true,
    });
    expect(policy.decide(new LeaseLostError('gone'), 0).kind).toBe('lease-lost');
    expect(policy.decide(new TypeError('oops'), 0)).toMatchObject({ kind: 'retry', message: 'Unexpected error: oops' });
  });
});
