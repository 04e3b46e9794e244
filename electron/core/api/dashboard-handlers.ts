// The supervisor's dashboard: counts, the oldest waiting job, throughput buckets, failures by
// reason, destination health and folder status, in one call.
import { shownCounts } from './queue-handlers.js';
import { createStatusHandlers } from './status-handlers.js';
import type { FolderStatus } from '../../../shared/contract.js';
import type { ContractHandlers } from '../../../shared/contract-host.js';
import type { Engine } from '../engine/engine.js';
import type { Clock } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';

export interface DashboardHandlerDeps {
  outbox: Outbox;
  engine: Engine;
  clock: Clock;
  folders(): FolderStatus[];
  warnings?(): { kind: string; message: string }[];
}

function buckets(outbox: Outbox, now: number, bucketMs: number, count: number) {
  // Aligned to the bucket size, so consecutive calls return the same bucket edges.
  const end = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  const since = end - bucketMs * count;
  const done = outbox.finishedBuckets('done', since, bucketMs);
  const failed = outbox.finishedBuckets('failed', since, bucketMs);
  return Array.from({ length: count }, (_, i) => ({
    at: new Date(since + i * bucketMs).toISOString(),
    done: done.get(i) ?? 0,
    failed: failed.get(i) ?? 0,
  }));
}

export function createDashboardHandlers(
  deps: DashboardHandlerDeps,
): Pick<ContractHandlers, 'dashboard:get' | 'status:get'> {
  return {
    ...createStatusHandlers(deps),
    'dashboard:get'() {
      const now = deps.clock.now();
      const oldest = deps.outbox.oldestWaitingAt();
      return {
        counts: shownCounts(deps.outbox, deps.engine),
        oldestWaitingAt: oldest == null ? null : new Date(oldest).toISOString(),
        throughputHour: buckets(deps.outbox, now, 5 * 60_000, 12),
        throughputDay: buckets(deps.outbox, now, 60 * 60_000, 24),
        failuresByReason: deps.outbox.failuresByReason(10),
        destinations: deps.engine.health(),
        folders: deps.folders(),
        paused: deps.engine.isPaused(),
        warnings: deps.warnings?.() ?? [],
      };
    },
  };
}
