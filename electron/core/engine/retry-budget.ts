// A per-destination retry budget, in the spirit of the AWS SDKs' adaptive retry mode: while most
// recent attempts of a destination fail, its attempts slow down exponentially whatever the
// platform's Retry-After says (a floor of 5 s, a ceiling of 10 min); Retry-After can only make a
// wait longer. One attempt runs at a time then, so a failing platform is slowed, not hammered.
// The same counters tell destination-health.ts whether the destination is degraded or down.

export interface RetryBudgetOptions {
  /** Shortest wait between attempts of a strained destination. Default 5 s. */
  floorMs?: number;
  /** Longest wait. Default 10 min. */
  ceilingMs?: number;
  /**
   * Consecutive failed attempts after which the budget holds the destination back. Default 3: a
   * flaky platform that fails now and then keeps its pace; one that fails every time is slowed.
   */
  strainAfter?: number;
  /** Outcomes remembered per destination. Default 10. */
  window?: number;
  /** Outcomes older than this are forgotten. Default 5 min. */
  windowMs?: number;
  random?: () => number;
}

export interface BudgetStats {
  /** Consecutive failed attempts, and when the first of them failed. */
  consecutiveFailures: number;
  failingSince: number | null;
  /** Share of failed attempts among the remembered ones (0 when none). */
  failureRatio: number;
  samples: number;
}

export interface RetryBudget {
  /** One finished attempt: ok is any answer the platform gave on purpose (done, or a refusal). */
  record(name: string, ok: boolean, now: number): void;
  /** While most recent attempts fail: one attempt at a time, spaced by the budget. */
  strained(name: string, now: number): boolean;
  /** The least a failed attempt of this destination waits before its retry (0 when not strained). */
  minDelayMs(name: string, now: number): number;
  /** When the destination may start its next attempt; 0 when it may now. */
  nextAttemptAt(name: string, now: number): number;
  stats(name: string, now: number): BudgetStats;
  /** The platform answered again (a probe succeeded): the slate is clean. */
  reset(name: string): void;
}

interface Outcome {
  at: number;
  ok: boolean;
}

interface Entry {
  outcomes: Outcome[];
  consecutive: number;
  failingSince: number | null;
  /** Spacing chosen at the last failure (kept, so jitter does not move it at every look). */
  delayMs: number;
  lastFailureAt: number;
}

/** Delay of the n-th consecutive failure: floor · 2^(n-1), capped, with equal jitter above the floor. */
export function budgetDelayMs(n: number, floorMs: number, ceilingMs: number, random: () => number): number {
  const top = Math.min(ceilingMs, floorMs * 2 ** Math.min(Math.max(n - 1, 0), 30));
  const low = Math.max(floorMs, top / 2);
  return Math.round(low + random() * (top - low));
}

/**
 * Probes while a destination is down: quick for the first two minutes, so a short outage ends
 * within seconds of the platform coming back, then backing off to `maxMs`.
 */
export function probeDelayMs(
  failures: number,
  downForMs: number,
  options: { baseMs: number; maxMs: number; random?: () => number },
): number {
  const random = options.random ?? Math.random;
  const early = downForMs < 2 * 60_000 ? Math.min(8000, options.maxMs) : options.maxMs;
  const ceiling = Math.min(early, options.baseMs * 2 ** Math.min(failures, 20));
  // Equal jitter: never less than half the ceiling, so probes do not hammer a dead host.
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

export function createRetryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const floorMs = options.floorMs ?? 5000;
  const ceilingMs = options.ceilingMs ?? 10 * 60_000;
  const window = options.window ?? 10;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const random = options.random ?? Math.random;
  const strainAfter = options.strainAfter ?? 3;
  const entries = new Map<string, Entry>();

  const entryOf = (name: string): Entry => {
    let e = entries.get(name);
    if (!e) {
      e = { outcomes: [], consecutive: 0, failingSince: null, delayMs: 0, lastFailureAt: 0 };
      entries.set(name, e);
    }
    return e;
  };

  const recent = (e: Entry, now: number) => e.outcomes.filter((o) => now - o.at <= windowMs);

  const stats = (name: string, now: number): BudgetStats => {
    const e = entryOf(name);
    const outcomes = recent(e, now);
    const failed = outcomes.filter((o) => !o.ok).length;
    return {
      consecutiveFailures: e.consecutive,
      failingSince: e.failingSince,
      failureRatio: outcomes.length === 0 ? 0 : failed / outcomes.length,
      samples: outcomes.length,
    };
  };

  // "Most recent attempts fail": the last few in a row, and most of those remembered.
  const strained = (name: string, now: number) => {
    const s = stats(name, now);
    return s.consecutiveFailures >= strainAfter && s.failureRatio >= 0.5;
  };

  return {
    record(name, ok, now) {
      const e = entryOf(name);
      e.outcomes = [...recent(e, now), { at: now, ok }].slice(-window);
      if (ok) {
        e.consecutive = 0;
        e.failingSince = null;
        e.delayMs = 0;
        return;
      }
      e.consecutive += 1;
      e.failingSince ??= now;
      e.lastFailureAt = now;
      e.delayMs = strained(name, now) ? budgetDelayMs(e.consecutive - strainAfter + 1, floorMs, ceilingMs, random) : 0;
    },
    strained,
    minDelayMs(name, now) {
      return strained(name, now) ? entryOf(name).delayMs : 0;
    },
    nextAttemptAt(name, now) {
      if (!strained(name, now)) return 0;
      const e = entryOf(name);
      return e.lastFailureAt + e.delayMs;
    },
    stats,
    reset(name) {
      entries.delete(name);
    },
  };
}
