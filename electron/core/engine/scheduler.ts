// Which job runs next: live calls first, then every destination in turn (so one busy destination
// cannot take every global slot), each under its own concurrency and retry budget, and inside a
// destination the front of the line first, then round-robin by folder.
import type { Config } from '../../../shared/config.js';
import type { Destination } from '../destinations/destination.js';
import { isDiskFull, type DiskSpace } from '../health/disk-space.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { RetryBudget } from './retry-budget.js';

export interface SchedulerOptions {
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  budget: RetryBudget;
  getDestination(name: string): Destination | undefined;
  concurrency(): Config['concurrency'];
  /** Per-destination concurrency from its config, over `concurrency.perDestination`. */
  destinationConcurrency?(name: string): number | undefined;
  /** The destination of every job running now, by job id. */
  running: ReadonlyMap<string, { destination: string }>;
  isPaused(): boolean;
  isDestinationPaused(name: string): boolean;
  isOnline(name: string): boolean;
  /** Takes the job's lease and starts its attempt; false when the job was no longer ready. */
  startJob(id: string, live: boolean): boolean;
  diskSpace?: DiskSpace;
}

export interface Scheduler {
  /** Looks for work soon (once per event-loop turn however often it is asked). */
  schedule(): void;
  /** Jobs may have appeared for destinations or folders the caches do not know yet. */
  forget(): void;
  start(): void;
  stop(): void;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { outbox, clock, log, budget, running } = options;
  const folderServed = new Map<string, number>();
  const folderCache = new Map<string, { at: number; folders: (string | null)[] }>();
  let serveCounter = 0;
  let destinationRotation = 0;
  let started = false;
  let stopped = false;
  let tickScheduled = false;
  let dueTimer: NodeJS.Timeout | null = null;

  function schedule() {
    if (tickScheduled || stopped || !started) return;
    tickScheduled = true;
    setImmediate(() => {
      tickScheduled = false;
      try {
        tick();
      } catch (error) {
        if (isDiskFull(error)) {
          options.diskSpace?.reportFull('delivery', error);
          armDueTimer(2000);
          return;
        }
        log.error({ err: error }, 'scheduler tick failed; trying again shortly');
        armDueTimer(1000);
      }
    });
  }

  function armDueTimer(delayMs: number) {
    if (dueTimer) clearTimeout(dueTimer);
    // Wake at least once a minute whatever happens, so nothing waits on a lost timer.
    dueTimer = setTimeout(schedule, Math.max(10, Math.min(delayMs, 60_000)));
  }

  function limitFor(name: string): number {
    return options.destinationConcurrency?.(name) ?? options.concurrency().perDestination;
  }

  function runningFor(name: string): number {
    let n = 0;
    for (const r of running.values()) if (r.destination === name) n++;
    return n;
  }

  // Every destination that has jobs, refreshed every few seconds: cheaper per tick than asking
  // which destinations have ready jobs (that scans every queued job of a large backlog).
  let destinationCache: { at: number; names: string[] } | null = null;
  function knownDestinations(now: number): string[] {
    if (!destinationCache || now - destinationCache.at > 2000) {
      destinationCache = { at: now, names: outbox.destinations() };
    }
    return destinationCache.names;
  }

  function readyFolders(name: string, now: number): (string | null)[] {
    const cached = folderCache.get(name);
    if (cached && now - cached.at < 1000) return cached.folders;
    const folders = outbox.readyFolders(name);
    folderCache.set(name, { at: now, folders });
    return folders;
  }

  /** Up to `count` job ids for a destination, front of the line first, then round-robin by folder. */
  function pickFair(name: string, count: number, now: number): string[] {
    const heads = readyFolders(name, now)
      .map((folder) => ({ folder, jobs: outbox.readyJobs(name, folder, now, count) }))
      .filter((h) => h.jobs.length > 0);
    const picked: string[] = [];
    while (picked.length < count) {
      let best: (typeof heads)[number] | null = null;
      for (const h of heads) {
        if (h.jobs.length === 0) continue;
        if (!best) {
          best = h;
          continue;
        }
        const a = h.jobs[0]!;
        const b = best.jobs[0]!;
        const servedA = folderServed.get(`${name}\u0000${h.folder}`) ?? 0;
        const servedB = folderServed.get(`${name}\u0000${best.folder}`) ?? 0;
        if (a.priority > b.priority || (a.priority === b.priority && servedA < servedB)) best = h;
      }
      if (!best) break;
      const job = best.jobs.shift()!;
      folderServed.set(`${name}\u0000${best.folder}`, ++serveCounter);
      if (!running.has(job.id)) picked.push(job.id);
    }
    return picked;
  }

  function tick() {
    if (!started || stopped) return;
    const now = clock.now();
    const nextDue = outbox.nextDueAt();
    armDueTimer(nextDue == null ? 60_000 : nextDue - now);
    if (options.isPaused()) return;
    let free = options.concurrency().global - running.size;
    if (free <= 0) return;
    free -= startLiveJobs(free, now);
    if (free <= 0) return;
    const names = knownDestinations(now);
    if (names.length === 0) return;
    // Rotate which destination goes first so one busy destination cannot take every global slot.
    destinationRotation = (destinationRotation + 1) % names.length;
    const ordered = [...names.slice(destinationRotation), ...names.slice(0, destinationRotation)];
    for (const name of ordered) {
      if (free <= 0) break;
      if (options.isDestinationPaused(name) || !options.isOnline(name)) continue;
      if (!options.getDestination(name)) continue;
      // A strained destination gets one attempt at a time, spaced by its retry budget.
      const notBefore = budget.nextAttemptAt(name, now);
      if (notBefore > now) {
        armDueTimer(Math.min(notBefore - now, nextDue == null ? 60_000 : nextDue - now));
        continue;
      }
      const limit = budget.strained(name, now) ? 1 : limitFor(name);
      const slots = Math.min(free, limit - runningFor(name));
      if (slots <= 0) continue;
      for (const id of pickFair(name, slots, now)) {
        if (options.startJob(id, false)) free--;
      }
    }
  }

  /**
   * Live calls first: opening a call while its recording is written is one short request, and it
   * is only useful early. Returns how many slots were taken.
   */
  function startLiveJobs(free: number, now: number): number {
    let taken = 0;
    for (const live of outbox.liveJobsDue(now, free + running.size)) {
      if (taken >= free) break;
      const name = live.destination;
      if (running.has(live.id) || options.isDestinationPaused(name)) continue;
      if (!options.isOnline(name) || runningFor(name) >= limitFor(name)) continue;
      if (!options.getDestination(name)?.openLiveCall) continue;
      if (options.startJob(live.id, true)) taken++;
    }
    return taken;
  }

  return {
    schedule,
    forget() {
      destinationCache = null;
      folderCache.clear();
    },
    start() {
      started = true;
      schedule();
    },
    stop() {
      stopped = true;
      if (dueTimer) clearTimeout(dueTimer);
    },
  };
}
