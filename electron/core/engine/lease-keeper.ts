// Leases keep one attempt per job: renewed while an attempt runs, and taken back by a periodic
// sweep when their holder is gone (a crashed process on this host, or an attempt of ours that
// ended without finishing). docs/ARCHITECTURE.md, "Steps, leases and resume".
import { LeaseLostError } from '../delivery-errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';

export interface LeaseKeeperOptions {
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  /** Identity written into leases: host/pid/instance. */
  owner: string;
  leaseMs: number;
  /** Jobs this engine runs now: their leases are never swept. */
  running(): Iterable<string>;
  /** Some leases were taken back: their jobs are ready again. */
  onReclaimed(): void;
}

/** A running attempt's hold on its lease. */
export interface LeaseHold {
  lost(): boolean;
  stop(): void;
}

export interface LeaseKeeper {
  /** A new lease for one attempt, from now. */
  lease(leaseId: string): { leaseId: string; owner: string; expiresAt: number };
  /**
   * Renews the lease every third of its length while an attempt runs. A renewal that fails (taken
   * back, or the database closing at shutdown) aborts the attempt through `controller` instead of
   * letting it write, or crash the process.
   */
  hold(jobId: string, leaseId: string, controller: AbortController, jobLog: Logger, stopping: string): LeaseHold;
  /** Sweeps now and every half lease until stop(). */
  start(): void;
  stop(): void;
}

/** Lease owners look like host/pid/instance; a dead pid on this host means a crashed process. */
export function ownerGoneOnThisHost(owner: string, self: string): boolean {
  const [host, pid, instance] = owner.split('/');
  const [selfHost, , selfInstance] = self.split('/');
  if (instance === selfInstance) return true; // ours but not held: the attempt is over
  if (host !== selfHost || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function createLeaseKeeper(options: LeaseKeeperOptions): LeaseKeeper {
  const { outbox, clock, log, owner, leaseMs } = options;
  let sweepTimer: NodeJS.Timeout | null = null;

  function sweep() {
    let taken: string[] = [];
    try {
      taken = outbox.reclaimLeases((o) => ownerGoneOnThisHost(o, owner), new Set(options.running()));
    } catch (error) {
      log.error({ err: error }, 'lease sweep failed; trying again at the next sweep');
    }
    if (taken.length > 0) {
      log.info({ jobs: taken.length }, 'took back leases of attempts that ended without finishing');
      options.onReclaimed();
    }
  }

  return {
    lease: (leaseId) => ({ leaseId, owner, expiresAt: clock.now() + leaseMs }),
    hold(jobId, leaseId, controller, jobLog, stopping) {
      let lost = false;
      const timer = setInterval(
        () => {
          let renewed = false;
          try {
            renewed = outbox.renewLease(jobId, leaseId, clock.now() + leaseMs);
          } catch (error) {
            jobLog.warn({ err: error }, `could not renew the lease; ${stopping}`);
          }
          if (!renewed) {
            lost = true;
            controller.abort(new LeaseLostError(`The lease on job ${jobId} was taken back`));
          }
        },
        Math.max(50, Math.floor(leaseMs / 3)),
      );
      return { lost: () => lost, stop: () => clearInterval(timer) };
    },
    start() {
      sweep();
      sweepTimer = setInterval(sweep, Math.max(100, Math.floor(leaseMs / 2)));
    },
    stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = null;
    },
  };
}
