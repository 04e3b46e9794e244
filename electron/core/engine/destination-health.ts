// A destination's health from what actually happens to its requests, not from a configured flag:
// online; degraded while recent attempts fail; down while its probe fails or every attempt has
// failed for a while. Each state carries the last error and since when, for the dashboard, the
// top bar, the tray, `status --json` and (issue 19) the metrics exporter.
import type { RetryBudget } from './retry-budget.js';

export type HealthState = 'online' | 'degraded' | 'down';

/** The outbox meta key under which the engine keeps the last health, for `callrelay status`. */
export const HEALTH_KEY = 'engine.health';

export interface HealthSnapshot {
  health: HealthState;
  lastError: string | null;
  /** When the destination entered `health`. */
  since: number | null;
  lastSuccessAt: number | null;
}

export interface DestinationHealthOptions {
  budget: RetryBudget;
  /** Down after this many consecutive failed attempts spanning at least `downAfterMs`. Default 3. */
  downAfterFailures?: number;
  /** Default 5 s. */
  downAfterMs?: number;
  /** Or after this many consecutive failures whatever the time. Default 5. */
  downAfterFailuresAnyway?: number;
}

export interface DestinationHealthTracker {
  /** An attempt ended. ok: the platform answered on purpose (delivered, or refused the call). */
  attempt(name: string, ok: boolean, error: string | null, now: number): HealthState;
  /** The destination cannot be reached at all (network error, timeout), or its probe failed. */
  unreachable(name: string, error: string, now: number): void;
  /** A probe succeeded: online again, the failures forgotten. */
  recovered(name: string, now: number): void;
  /** True when every recent attempt failed for long enough: stop attempting, probe instead. */
  shouldSleep(name: string, now: number): boolean;
  get(name: string, now: number): HealthSnapshot;
  forget(name: string): void;
}

interface Entry {
  down: boolean;
  lastError: string | null;
  since: number | null;
  state: HealthState;
  lastSuccessAt: number | null;
}

export function createDestinationHealth(options: DestinationHealthOptions): DestinationHealthTracker {
  const { budget } = options;
  const downAfterFailures = options.downAfterFailures ?? 3;
  const downAfterMs = options.downAfterMs ?? 5000;
  const downAnyway = options.downAfterFailuresAnyway ?? 5;
  const entries = new Map<string, Entry>();

  const entryOf = (name: string): Entry => {
    let e = entries.get(name);
    if (!e) {
      e = { down: false, lastError: null, since: null, state: 'online', lastSuccessAt: null };
      entries.set(name, e);
    }
    return e;
  };

  const failingLong = (name: string, now: number) => {
    const s = budget.stats(name, now);
    if (s.consecutiveFailures >= downAnyway) return true;
    return s.consecutiveFailures >= downAfterFailures && s.failingSince !== null && now - s.failingSince >= downAfterMs;
  };

  const evaluate = (name: string, now: number): HealthState => {
    const e = entryOf(name);
    const s = budget.stats(name, now);
    const next: HealthState = e.down
      ? 'down'
      : s.consecutiveFailures > 0 || (s.samples > 0 && s.failureRatio >= 0.3)
        ? 'degraded'
        : 'online';
    if (next !== e.state) {
      e.state = next;
      e.since = now;
    }
    return next;
  };

  return {
    attempt(name, ok, error, now) {
      const e = entryOf(name);
      budget.record(name, ok, now);
      if (ok) {
        e.lastSuccessAt = now;
        e.lastError = null;
        e.down = false;
      } else {
        e.lastError = error;
        if (failingLong(name, now)) e.down = true;
      }
      return evaluate(name, now);
    },
    unreachable(name, error, now) {
      const e = entryOf(name);
      e.lastError = error;
      e.down = true;
      evaluate(name, now);
    },
    recovered(name, now) {
      const e = entryOf(name);
      budget.reset(name);
      e.down = false;
      evaluate(name, now);
    },
    shouldSleep: (name, now) => entryOf(name).down || failingLong(name, now),
    get(name, now) {
      const e = entryOf(name);
      const health = evaluate(name, now);
      return { health, lastError: e.lastError, since: e.since, lastSuccessAt: e.lastSuccessAt };
    },
    forget(name) {
      entries.delete(name);
      budget.reset(name);
    },
  };
}

export interface SavedHealth {
  name: string;
  health: HealthState;
  lastError: string | null;
  since: string | null;
}

/** The health the engine last saved in the outbox (see engine HEALTH_KEY); [] when none or unreadable. */
export function parseSavedHealth(text: string | null): SavedHealth[] {
  if (!text) return [];
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return [];
    return list
      .filter(
        (d): d is SavedHealth => typeof d === 'object' && d !== null && typeof (d as SavedHealth).name === 'string',
      )
      .map((d) => ({
        name: d.name,
        health: ['online', 'degraded', 'down'].includes(d.health) ? d.health : 'online',
        lastError: typeof d.lastError === 'string' ? d.lastError : null,
        since: typeof d.since === 'string' ? d.since : null,
      }));
  } catch {
    return [];
  }
}
