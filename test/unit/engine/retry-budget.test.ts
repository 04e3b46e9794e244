import { describe, expect, it } from 'vitest';
import { createDestinationHealth } from '../../../electron/core/engine/destination-health.js';
import { budgetDelayMs, createRetryBudget, probeDelayMs } from '../../../electron/core/engine/retry-budget.js';

describe('retry budget', () => {
  it('spaces attempts of a failing destination exponentially, between a 5 s floor and a 10 min ceiling', () => {
    const low = () => 0;
    expect(budgetDelayMs(1, 5000, 600_000, low)).toBe(5000);
    expect(budgetDelayMs(2, 5000, 600_000, () => 1)).toBe(10_000);
    expect(budgetDelayMs(5, 5000, 600_000, () => 1)).toBe(80_000);
    expect(budgetDelayMs(40, 5000, 600_000, () => 1)).toBe(600_000);
    for (let n = 1; n < 30; n++) expect(budgetDelayMs(n, 5000, 600_000, Math.random)).toBeGreaterThanOrEqual(5000);
  });

  it('is strained only while most recent attempts fail, and one success among many failures does not clear it', () => {
    const budget = createRetryBudget({ random: () => 1 });
    let now = 0;
    expect(budget.strained('d', now)).toBe(false);
    budget.record('d', false, now);
    budget.record('d', false, now);
    // Two failures in a row are a flaky platform, not a failing one: no hold yet.
    expect(budget.strained('d', now)).toBe(false);
    budget.record('d', false, now);
    expect(budget.strained('d', now)).toBe(true);
    expect(budget.minDelayMs('d', now)).toBe(5000);
    expect(budget.nextAttemptAt('d', now)).toBe(5000);
    now += 5000;
    budget.record('d', false, now);
    expect(budget.minDelayMs('d', now)).toBe(10_000);
    budget.record('d', true, now);
    expect(budget.strained('d', now)).toBe(false);
    expect(budget.minDelayMs('d', now)).toBe(0);
    // Mostly successes: one failure does not slow the destination down.
    for (let i = 0; i < 8; i++) budget.record('e', true, now);
    budget.record('e', false, now);
    expect(budget.strained('e', now)).toBe(false);
  });

  it('probes quickly while an outage is young, then backs off', () => {
    const options = { baseMs: 1000, maxMs: 30_000, random: () => 1 };
    expect(probeDelayMs(10, 60_000, options)).toBe(8000);
    expect(probeDelayMs(10, 5 * 60_000, options)).toBe(30_000);
    expect(probeDelayMs(0, 0, options)).toBe(1000);
  });
});

describe('destination health', () => {
  it('is online, then degraded while attempts fail, then down when every attempt failed for a while', () => {
    const budget = createRetryBudget();
    const health = createDestinationHealth({ budget });
    let now = 1000;
    expect(health.get('d', now).health).toBe('online');
    health.attempt('d', false, 'HTTP 503', now);
    expect(health.get('d', now)).toMatchObject({ health: 'degraded', lastError: 'HTTP 503', since: 1000 });
    now += 3000;
    health.attempt('d', false, 'HTTP 503', now);
    expect(health.shouldSleep('d', now)).toBe(false);
    now += 3000;
    expect(health.attempt('d', false, 'HTTP 503', now)).toBe('down');
    expect(health.shouldSleep('d', now)).toBe(true);
    expect(health.get('d', now)).toMatchObject({ health: 'down', since: now });
    health.recovered('d', now + 1);
    expect(health.get('d', now + 1)).toMatchObject({ health: 'online', since: now + 1 });
  });

  it('is down at once when the destination cannot be reached', () => {
    const health = createDestinationHealth({ budget: createRetryBudget() });
    health.unreachable('d', 'ECONNREFUSED', 5);
    expect(health.get('d', 5)).toMatchObject({ health: 'down', lastError: 'ECONNREFUSED', since: 5 });
  });
});
