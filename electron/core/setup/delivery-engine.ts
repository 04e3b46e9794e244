// The delivery engine as the core runs it, with the fleet metrics that read it: the engine sends
// only to sendable destinations, re-reads changed files and runs the after-delivery action through
// the folder intake, and reports what happens to the metrics.
import type { Config } from '../../../shared/config.js';
import type { ChangeFeed } from '../engine/change-feed.js';
import { createEngine, type Engine } from '../engine/engine.js';
import type { DiskSpace } from '../health/disk-space.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { createFleetMetrics, type FleetMetrics } from '../metrics/fleet-metrics.js';
import { folderLabels } from '../metrics/folder-labels.js';
import type { Outbox } from '../outbox/outbox.js';
import type { RecoveryGuard } from '../outbox/outbox-recovery.js';
import type { Settings } from './core-settings.js';
import type { DestinationSet } from './destination-set.js';
import type { FolderIntake } from './folder-intake.js';

/** Only a started core pushes: a one-shot command (enqueue, doctor) must not report as the station. */
export const withoutPush = (t: Config['telemetry']) => (t ? { ...t, otlp: undefined } : t);

export function setupDelivery(options: {
  settings: Settings;
  outbox: Outbox;
  destinations: DestinationSet;
  folders: FolderIntake;
  feed: Pick<ChangeFeed, 'reset'>;
  recovery: RecoveryGuard;
  diskSpace: DiskSpace;
  clock: Clock;
  logger: Logger;
  version?: string;
}): { engine: Engine; metrics: FleetMetrics } {
  const { settings, outbox, folders, clock, logger } = options;
  const engine = createEngine({
    outbox,
    getDestination: options.destinations.getSendable,
    clock,
    logger: logger.child({ part: 'engine' }),
    recovery: options.recovery,
    diskSpace: options.diskSpace,
    concurrency: settings.resolved().concurrency,
    bandwidth: settings.resolved().bandwidth,
    destinationNames: () =>
      settings
        .resolved()
        .destinations.filter((d) => d.enabled && !d.awaitingSecrets)
        .map((d) => d.name),
    destinationConcurrency: (name) => settings.resolved().destinations.find((d) => d.name === name)?.concurrency,
    onRecordingChanged: (job) => folders.intake().rereadChanged(job),
    onPauseChanged: () => options.feed.reset(),
    onDelivered: async (job) => {
      const outcome = await folders.intake().afterDelivery(job);
      logger.debug({ jobId: job.id, outcome }, 'after delivery');
    },
    // Metrics are built below, once the engine they read exists.
    observer: {
      bytesSent: (destination, bytes) => metrics.observer.bytesSent(destination, bytes),
      delivered: (job) => metrics.observer.delivered(job),
      attemptFailed: (destination, error, decision, attempt) =>
        metrics.observer.attemptFailed(destination, error, decision, attempt),
    },
  });
  const metrics = createFleetMetrics({
    version: options.version ?? 'unknown',
    telemetry: withoutPush(settings.resolved().telemetry),
    logger,
    sources: {
      outbox,
      destinations: () => engine.health(),
      folders() {
        const labels = folderLabels(settings.resolved().folders);
        return folders
          .intake()
          .statuses()
          .map((f) => ({ label: labels.get(f.path) ?? 'folder', available: f.available }));
      },
      paused: () => engine.isPaused(),
      // A live call's job exists before its file is final; its file was ready at `file-final`.
      readyAt: (job) => {
        const final = outbox.events(job.id, 200).findLast((e) => e.type === 'file-final');
        return final ? Date.parse(final.at) : job.createdAt;
      },
      now: () => clock.now(),
    },
  });
  return { engine, metrics };
}
