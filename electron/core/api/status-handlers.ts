// `status:get`: the few facts behind the top bar's status line and the tray tooltip
// (shared/status-summary.ts turns them into words). Cheap at any queue size: trigger-kept counts,
// destination health from memory, and index range counts (jobs_finished, events_type_at).
import type { ContractHandlers } from '../../../shared/contract-host.js';
import type { Engine } from '../engine/engine.js';
import type { Clock } from '../clock.js';
import type { Outbox } from '../outbox/outbox.js';
import { backlogEta, startOfDay } from './delivery-pace.js';
import { shownCounts } from './queue-handlers.js';

export interface StatusHandlerDeps {
  outbox: Outbox;
  engine: Engine;
  clock: Clock;
}

export function createStatusHandlers(deps: StatusHandlerDeps): Pick<ContractHandlers, 'status:get'> {
  return {
    'status:get'() {
      const now = deps.clock.now();
      const counts = shownCounts(deps.outbox, deps.engine);
      return {
        counts,
        paused: deps.engine.isPaused(),
        destinations: deps.engine.health(),
        deliveredToday: deps.outbox.finishedSince(startOfDay(now)).done,
        backlog: backlogEta(deps.outbox, counts, now),
        at: new Date(now).toISOString(),
      };
    },
  };
}
