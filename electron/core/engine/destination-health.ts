// A destination's health from what actually happens to its requests, not from a configured flag:
// online; degraded while recent attempts fail; down while its probe fails or every attempt has
// failed for a while. Each state carries the last error and since when, for the dashboard, the
// top bar, the tray, `status --json` and (issue 19) the metrics exporter.
// Two parts: the tracker (pure rules over attempts) and the monitor, which applies them to the
// engine's attempts, sleeps an unreachable destination's queue and probes it until it answers.
import type { DestinationHealth } from '../../../shared/contract.js';
import type { Destination } from '../destinations/destination.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';
import { probeDelayMs, type RetryBudget } from './retry-budget.js';

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

export interface HealthMonitorOptions {
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  tracker: DestinationHealthTracker;
  getDestination(name: string): Destination | undefined;
  isPaused(name: string): boolean;
  /** Names listed; defaults to every destination the outbox has jobs for. */
  destinationNames?(): string[];
  /** Backoff of connectivity probes while a destination is unreachable. */
  probe?: { baseMs?: number; maxMs?: number; timeoutMs?: number };
  /** A probe found a sleeping destination reachable: its queue may run again. */
  onOnline(): void;
}

/** The engine's view of every destination: may its queue run, and how did its attempts go. */
export interface HealthMonitor {
  /** False while the destination sleeps and is probed. */
  isOnline(name: string): boolean;
  /** The platform took the request. */
  succeeded(name: string): void;
  /** The platform answered on purpose and refused (it is up); `error` says why, if it is worth showing. */
  refused(name: string, error: string | null): void;
  /** A transient failure; `unreachable` when the request never reached the platform. */
  failed(name: string, error: string, unreachable: boolean): void;
  list(): DestinationHealth[];
  stop(): void;
}

interface Reachability {
  online: boolean;
  offlineSince: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  probeFailures: number;
  probeTimer: NodeJS.Timeout | null;
  probeController: AbortController | null;
}

function iso(ms: number | null): string | null {
  return ms == null ? null : new Date(ms).toISOString();
}

export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const { outbox, clock, log, tracker, getDestination } = options;
  const probeBaseMs = options.probe?.baseMs ?? 1000;
  const probeMaxMs = options.probe?.maxMs ?? 30_000;
  const probeTimeoutMs = options.probe?.timeoutMs ?? 10_000;
  const reach = new Map<string, Reachability>();
  let savedHealth = outbox.getMeta(HEALTH_KEY) ?? '';
  let stopped = false;

  const reachOf = (name: string): Reachability => {
    let h = reach.get(name);
    if (!h) {
      h = {
        online: true,
        offlineSince: null,
        lastSuccessAt: null,
        lastError: null,
        probeFailures: 0,
        probeTimer: null,
        probeController: null,
      };
      reach.set(name, h);
    }
    return h;
  };

  function markOffline(name: string, reason: string) {
    const h = reachOf(name);
    h.lastError = reason;
    if (!h.online) return;
    h.online = false;
    h.offlineSince = clock.now();
    h.probeFailures = 0;
    log.warn({ destination: name, reason }, 'destination unreachable; its queue sleeps while probing');
    scheduleProbe(name);
  }

  function scheduleProbe(name: string) {
    const h = reachOf(name);
    if (h.probeTimer || stopped) return;
    // One probe at a time; quick while the outage is young, so the queue wakes soon after it ends.
    const delay = probeDelayMs(h.probeFailures, clock.now() - (h.offlineSince ?? clock.now()), {
      baseMs: probeBaseMs,
      maxMs: probeMaxMs,
    });
    h.probeTimer = setTimeout(() => {
      h.probeTimer = null;
      void probe(name);
    }, delay);
  }

  async function probe(name: string) {
    const h = reachOf(name);
    const destination = getDestination(name);
    if (stopped || h.online) return;
    if (!destination) {
      // Removed from the config while offline: nothing to probe, nothing to wake.
      h.online = true;
      h.offlineSince = null;
      return;
    }
    const controller = new AbortController();
    h.probeController = controller;
    const timeout = setTimeout(() => controller.abort(new Error('probe timed out')), probeTimeoutMs);
    let reachable = false;
    try {
      reachable = await destination.probe(controller.signal);
    } catch {
      reachable = false;
    } finally {
      clearTimeout(timeout);
      h.probeController = null;
    }
    if (stopped) return;
    if (reachable) {
      log.info({ destination: name }, 'destination reachable again; its queue wakes');
      h.online = true;
      h.offlineSince = null;
      h.probeFailures = 0;
      tracker.recovered(name, clock.now());
      // Retries spaced out by the budget while it failed are due now: the queue wakes at once.
      outbox.wakeRetries(name);
      noteHealth();
      options.onOnline();
    } else {
      h.probeFailures++;
      scheduleProbe(name);
    }
  }

  /** Keeps the last health in the outbox for `callrelay status`; written only when it changes. */
  function noteHealth() {
    try {
      const text = JSON.stringify(
        list().map(({ name, health, lastError, since }) => ({ name, health, lastError, since })),
      );
      if (text === savedHealth) return;
      savedHealth = text;
      outbox.setMeta(HEALTH_KEY, text);
    } catch (error) {
      log.debug({ err: error }, 'could not save destination health');
    }
  }

  function list(): DestinationHealth[] {
    const names = new Set([...(options.destinationNames?.() ?? outbox.destinations()), ...reach.keys()]);
    const out: DestinationHealth[] = [];
    const now = clock.now();
    for (const name of [...names].sort()) {
      const destination = getDestination(name);
      if (!destination) continue;
      const h = reachOf(name);
      const t = tracker.get(name, now);
      out.push({
        name,
        kind: destination.kind,
        online: h.online,
        paused: options.isPaused(name),
        lastSuccessAt: iso(h.lastSuccessAt),
        lastError: t.lastError ?? h.lastError,
        offlineSince: iso(h.offlineSince),
        health: h.online ? t.health : 'down',
        since: iso(h.online ? t.since : (h.offlineSince ?? t.since)),
      });
    }
    return out;
  }

  return {
    isOnline: (name) => reachOf(name).online,
    succeeded(name) {
      const h = reachOf(name);
      h.lastSuccessAt = clock.now();
      h.lastError = null;
      tracker.attempt(name, true, null, clock.now());
      noteHealth();
    },
    refused(name, error) {
      if (error !== null) reachOf(name).lastError = error;
      tracker.attempt(name, true, null, clock.now());
      noteHealth();
    },
    failed(name, error, unreachable) {
      reachOf(name).lastError = error;
      const now = clock.now();
      if (unreachable) {
        tracker.unreachable(name, error, now);
        markOffline(name, error);
      } else {
        tracker.attempt(name, false, error, now);
        if (tracker.shouldSleep(name, now)) markOffline(name, error);
      }
      noteHealth();
    },
    list,
    stop() {
      stopped = true;
      for (const h of reach.values()) {
        if (h.probeTimer) clearTimeout(h.probeTimer);
        h.probeTimer = null;
        h.probeController?.abort();
      }
    },
  };
}
