// What a person must act on: calls waiting for review, destinations failing for long. Emitted
// only when it changes, so the tray and notifications do not flicker with every job update.
import type { EventPayload } from '../../../shared/contract.js';
import type { Engine } from '../engine/engine.js';
import type { Clock } from '../clock.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Settings } from './core-settings.js';

export interface AttentionWatch {
  check(): void;
  /** Checks now and every 30 s until stop(). */
  start(): void;
  stop(): void;
}

export function createAttentionWatch(options: {
  settings: Settings;
  outbox: Outbox;
  engine: () => Engine;
  clock: Clock;
  emit(payload: EventPayload<'attention:changed'>): void;
}): AttentionWatch {
  const { settings, outbox, clock } = options;
  let key = '';
  let timer: NodeJS.Timeout | null = null;

  function check(): void {
    const failingAfterMs = settings.resolved().notifications.destinationFailingAfterMin * 60_000;
    const now = clock.now();
    const health = options.engine().health();
    const failingDestinations = health
      .filter((h) => h.offlineSince !== null && now - Date.parse(h.offlineSince) >= failingAfterMs)
      .map((h) => h.name);
    const unhealthy = health
      .filter((h) => !h.paused && h.health !== 'online')
      .map((h) => ({ name: h.name, health: h.health as 'degraded' | 'down', since: h.since }));
    const payload = { reviewWaiting: outbox.counts()['needs-review'], failingDestinations, unhealthy };
    const next = JSON.stringify(payload);
    if (next === key) return;
    key = next;
    options.emit(payload);
  }

  return {
    check,
    start() {
      check();
      timer = setInterval(check, 30_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
