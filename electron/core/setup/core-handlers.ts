// Every contract handler the core answers, from the api/ modules plus the few that need the
// core's own parts (settings, the folder intake, the network doctor).
import path from 'node:path';
import type { Config, DestinationConfig } from '../../../shared/config.js';
import type { AppAbout } from '../../../shared/contract.js';
import { HandlerError, type ContractHandlers } from '../../../shared/contract-host.js';
import { createDashboardHandlers } from '../api/dashboard-handlers.js';
import { createDestinationHandlers } from '../api/destination-handlers.js';
import { createMetadataHandlers } from '../api/metadata-handlers.js';
import { createQueueHandlers } from '../api/queue-handlers.js';
import type { RecordingSource } from '../api/recording-source.js';
import { createReviewHandlers } from '../api/review-handlers.js';
import type { Engine } from '../engine/engine.js';
import type { DiskSpace } from '../health/disk-space.js';
import { diagnoseDestination } from '../http/network-doctor.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { RecoveryGuard } from '../outbox/outbox-recovery.js';
import type { SecretHandling } from '../secrets/secret-handling.js';
import type { Settings } from './core-settings.js';
import type { DestinationSet } from './destination-set.js';
import type { FolderIntake } from './folder-intake.js';
import { noDestinationNamed } from '../../../shared/no-destination.js';

export interface CoreHandlersOptions {
  /** Jobs' own recordings (the waveform's peaks are read from them). */
  recordings: RecordingSource;
  settings: Settings;
  secrets: SecretHandling;
  outbox: Outbox;
  engine: Engine;
  destinations: DestinationSet;
  folders: FolderIntake;
  recovery: RecoveryGuard;
  diskSpace: DiskSpace;
  clock: Clock;
  logger: Logger;
  /** A settings change saved: the core applies it. */
  applyConfig(config: Config, foldersChanged: boolean): Promise<void>;
  pickFolder?: () => Promise<string | null>;
  about?: () => AppAbout;
  version?: string;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createCoreHandlers(options: CoreHandlersOptions): ContractHandlers {
  const { settings, outbox, engine, destinations, folders, clock, logger } = options;
  const intake = () => folders.intake();
  const destinationHandlers = createDestinationHandlers({
    getDestination: destinations.getSendable,
    build: (config) => destinations.build(config),
    resolveDraft: (draft) => {
      // A draft from the settings form: secrets left blank fall back to the stored ones (same origin only).
      const stored = settings.resolved().destinations.find((d) => d.name === draft.name);
      return { stored, secrets: options.secrets };
    },
  });
  return {
    ...createQueueHandlers({
      outbox,
      engine,
      getDestination: destinations.get,
      clock,
      reexamine: (job) => intake().reexamine(job),
      phoneRegions: () => settings.resolved().folders.flatMap((f) => (f.region ? [f.region] : [])),
    }),
    ...createReviewHandlers({
      getJob: (id) => outbox.getJob(id),
      getDestination: destinations.get,
      folderDefaults: (folder) =>
        settings.resolved().folders.find((f) => path.resolve(f.path) === path.resolve(folder))?.defaults,
      recordings: options.recordings,
    }),
    ...createDashboardHandlers({
      outbox,
      engine,
      clock,
      folders: () => intake().statuses(),
      warnings: () => {
        const r = options.recovery.status();
        const disk = options.diskSpace.status();
        return [
          ...(disk.message ? [{ kind: 'disk-full', message: disk.message }] : []),
          ...(r.message ? [{ kind: r.behind ? 'outbox-behind' : 'outbox-recovered', message: r.message }] : []),
        ];
      },
    }),
    ...destinationHandlers,
    'destination:test': (args) => {
      if (args.name && !args.draft && destinations.awaitingSecrets().has(args.name)) {
        throw new HandlerError(
          'bad-input',
          `${args.name} moved to a new address and waits for its secrets: enter the token again for the new address in Settings. Nothing is sent until then.`,
        );
      }
      return destinationHandlers['destination:test'](args);
    },
    ...createMetadataHandlers({
      getDestination: destinations.get,
      // A folder already saved lends its CDR and agent directory to the preview of its draft.
      enrichmentFor: (draft) => {
        const saved = settings.resolved().folders.find((f) => path.resolve(f.path) === path.resolve(draft.path ?? ''));
        return folders.enrichment().forFolder(saved ?? { path: draft.path ?? '' });
      },
      isWatchedFolder: (folderPath) =>
        settings.resolved().folders.some((f) => path.resolve(f.path) === path.resolve(folderPath)),
    }),
    'settings:get': () => settings.view(),
    'settings:update': async (patch) => {
      const config = settings.update(patch);
      await options.applyConfig(config, Boolean(patch.folders));
      return settings.view();
    },
    'app:about': () => options.about?.() ?? { version: options.version ?? 'unknown', host: 'headless', update: null },
    'files:enqueue': async ({ paths, destination }) => {
      if (!destinations.get(destination)) {
        throw new HandlerError(
          'bad-input',
          noDestinationNamed(destination, '; choose one from Settings.', { enabled: true, sentence: true }),
        );
      }
      const result = await intake().enqueuePaths(paths, destination);
      engine.wake();
      return result;
    },
    'network:diagnose': async ({ name }) => {
      const config = settings.resolved();
      // A destination waiting for its secrets (new address) is never tested: it would send the old ones.
      const chosen = config.destinations.filter(
        (d) => d.enabled && destinations.getSendable(d.name) && (name === undefined || d.name === name),
      );
      if (name !== undefined && chosen.length === 0) {
        throw new HandlerError(
          'not-found',
          noDestinationNamed(name, '; check the name in Settings.', { enabled: true, sentence: true }),
        );
      }
      const report = await Promise.all(
        chosen.map((d) =>
          diagnoseDestination({
            name: d.name,
            baseUrl: d.baseUrl,
            route: destinations.routeOf(d, config),
            testConnection: (signal) => destinations.getSendable(d.name)!.testConnection(signal),
          }),
        ),
      );
      let trust: { label: string; certificates: number }[] = [];
      try {
        const first = chosen[0]
          ? destinations.routeOf(chosen[0], config)
          : destinations.newRoute({ name: '-', caFile: undefined } as DestinationConfig, config);
        trust = first.trust().sources.map((s) => ({ label: s.label, certificates: s.pems.length }));
      } catch (error) {
        logger.warn({ err: error }, 'trusted roots could not be listed');
      }
      return { destinations: report, trust, at: isoSeconds(clock.now()) };
    },
    'dialog:pick-folder': async () => ({ path: options.pickFolder ? await options.pickFolder() : null }),
  };
}
