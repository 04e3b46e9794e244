// The supervisor's dashboard: counts, the oldest waiting job, throughput buckets, failures by
// reason, destination health and folder status, in one call.
import { shownCounts } from './queue-handlers.js';
import { createStatusHandlers } from './status-handlers.js';
import { backlogEta, startOfDay } from './delivery-pace.js';
import type { FolderStatus } from '../../../shared/contract.js';
import type { ContractHandlers } from '../../../shared/contract-host.js';
import type { Engine } from '../engine/engine.js';
import type { Clock } from '../clock.js';
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
  // Failed jobs by when they failed, from the jobs themselves: a recording refused at intake has
  // no "failed" step in its timeline but is a failure all the same.
  const failed = outbox.failedJobBuckets(since, bucketMs);
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
      const oldestJob = deps.outbox.oldestWaitingJob();
      const counts = shownCounts(deps.outbox, deps.engine);
      const today = deps.outbox.finishedSince(startOfDay(now));
      return {
        counts,
        oldestWaitingAt: oldest == null ? null : new Date(oldest).toISOString(),
        oldestWaiting: oldestJob
          ? { id: oldestJob.id, fileName: oldestJob.fileName, at: new Date(oldestJob.createdAt).toISOString() }
          : null,
        today: { delivered: today.done, failed: today.failed, bytes: today.bytes },
        backlog: backlogEta(deps.outbox, counts, now),
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
