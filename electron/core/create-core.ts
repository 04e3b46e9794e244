// The composition root: one place that builds the core from its parts, for both hosts (the
// Electron main process and `callrelay serve`). Everything the core needs from its host comes in
// through the options: paths, secret handling, logger, clock. Each part is set up in its own
// module under setup/ (settings, storage, destinations, folder intake, delivery, attention,
// handlers); this file only orders them, and starts and stops them.
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { Config } from '../../shared/config.js';
import type { AppAbout, EventName, EventPayload } from '../../shared/contract.js';
import { createContractDispatcher, type ContractDispatcher } from '../../shared/contract-host.js';
import { shownCounts } from './api/queue-handlers.js';
import { createRecordingSource, type RecordingSource } from './api/recording-source.js';
import { configFile as defaultConfigFile } from './config/default-paths.js';
import { ConfigError } from './config/load-config.js';
import { effectiveUpdates } from './config/managed-policy.js';
import type { PolicySource } from './config/policy-source.js';
import { createChangeFeed } from './engine/change-feed.js';
import type { Engine } from './engine/engine.js';
import { createDiskSpace, type DiskSpaceStatus } from './health/disk-space.js';
import { createNetwork, envProxySecrets } from './http/network.js';
import { systemClock, type Clock } from './clock.js';
import { createSilentLogger, type Logger } from './logger.js';
import { startCheckpointSchedule } from './outbox/checkpoint-schedule.js';
import type { RecoveryStatus } from './outbox/outbox-recovery.js';
import { checkLiteralSecretExposure } from './secrets/config-file-mode.js';
import { createRedactingLogger } from './secrets/redacting-logger.js';
import { createSecretScrubber } from './secrets/secret-scrubbing.js';
import { ownerOnlyFileCodec, type SecretCodec } from './secrets/secret-codec.js';
import { createSecretHandling, type SecretHandling } from './secrets/secret-handling.js';
import { createAttentionWatch } from './setup/attention-watch.js';
import { createCoreEvents } from './setup/core-events.js';
import { createCoreHandlers } from './setup/core-handlers.js';
import { setupSettings } from './setup/core-settings.js';
import { setupDelivery, withoutPush } from './setup/delivery-engine.js';
import { createDestinationSet } from './setup/destination-set.js';
import { createFolderIntake } from './setup/folder-intake.js';
import { openStorage } from './setup/open-storage.js';
import { assertDataFolderWritable, lockDataFolder, type DataFolderLock } from './startup-checks.js';

export interface CreateCoreOptions {
  dataDir: string;
  /** Defaults to DATA/config.json. */
  configFile?: string;
  /** Start from this config (demo mode) instead of reading the file; changes are still saved. */
  initialConfig?: Config;
  clock?: Clock;
  logger?: Logger;
  /**
   * Desktop: safeStorage-backed codec for `safe:` secrets. Left out (headless), secrets typed in
   * the settings form are kept in the owner-only config file; null refuses to store them at all.
   */
  secretCodec?: SecretCodec | null;
  /** Replaces the default secret rules entirely (tests). */
  secrets?: SecretHandling;
  env?: NodeJS.ProcessEnv;
  /** Desktop: native folder picker. */
  pickFolder?: () => Promise<string | null>;
  /** Desktop: secrets the shell saw (typed, decrypted) beyond the config's, scrubbed from replies too. */
  extraSecrets?: () => readonly string[];
  /** Tests: route HTTP through a custom undici dispatcher. */
  httpDispatcher?: Dispatcher;
  /** The app's version, for `callrelay_build_info` and the metrics resource. */
  version?: string;
  /**
   * Desktop: the OS's proxy for a URL (Electron session.resolveProxy: "DIRECT", "PROXY h:p; …"),
   * used when the config sets no proxy. Headless hosts leave it out and read HTTPS_PROXY etc.
   */
  resolveProxy?: (url: string) => Promise<string>;
  /** Desktop: the OS trust store (PEM), trusted by the core's requests as the browser trusts it. */
  systemCertificates?: () => string[];
  /**
   * The machine's managed policy. Left out: this OS's place for it (or CALLRELAY_POLICY_FILE);
   * null: no policy (tests).
   */
  policySource?: PolicySource | null;
  /** Settings → About: the host's version and update state. */
  about?: () => AppAbout;
}

export interface Core {
  dispatcher: ContractDispatcher;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolved secret values, so a host can redact them from its own logs too. */
  secretValues(): string[];
  /** Whether each folder's CDR (call records) can be read, for doctor. */
  checkCdr(): Promise<{ folder: string; ok: boolean; message: string }[]>;
  readonly configFile: string;
  readonly outboxFile: string;
  /** Every metric in the Prometheus text format (read now: a few indexed rows, never a scan). */
  scrapeMetrics(): Promise<string>;
  /** Whether the outbox was found behind its progress witness (recovery mode). */
  recovery(): RecoveryStatus;
  /** Whether the data folder's disk is full. */
  diskSpace(): DiskSpaceStatus;
  /** Jobs' own recordings with range requests, for the hosts' audio routes. */
  readonly recordings: RecordingSource;
  /** The update settings the managed policy gives (off when none); `settings:changed` follows a change. */
  updatePolicy(): ReturnType<typeof effectiveUpdates>;
}

export function createCore(options: CreateCoreOptions): Core {
  const clock = options.clock ?? systemClock;
  const file = options.configFile ?? defaultConfigFile(options.dataDir);
  // Before anything else: a read-only or unwritable data folder is said as such, in one line.
  assertDataFolderWritable(options.dataDir);
  const env = options.env ?? process.env;
  const secrets =
    options.secrets ??
    createSecretHandling({
      env,
      codec: options.secretCodec === undefined ? ownerOnlyFileCodec : options.secretCodec,
    });
  const { settings, policy } = setupSettings({
    file,
    secrets,
    env,
    initialConfig: options.initialConfig,
    policySource: options.policySource,
    logger: options.logger ?? createSilentLogger(),
    onPolicyChange: () =>
      void applyPolicyChange().catch((error: unknown) => logger.error({ err: error }, 'applying the policy failed')),
  });
  const logger = createRedactingLogger(options.logger ?? createSilentLogger(), () => [
    ...settings.secretValues(),
    ...envProxySecrets(env),
  ]);
  const events = createCoreEvents(() => logger);

  const network = createNetwork({
    env,
    resolveSystemProxy: options.resolveProxy,
    systemCertificates: options.systemCertificates,
  });
  const destinations = createDestinationSet({ settings, network, logger, clock, dispatcher: options.httpDispatcher });

  let engineRef: Engine | null = null;
  const storage = openStorage({ dataDir: options.dataDir, clock, logger });
  const { outbox, recovery, dbFile } = storage;
  let checkpoints: ReturnType<typeof startCheckpointSchedule> | null = null;
  let folderLock: DataFolderLock | null = null;
  const diskSpace = createDiskSpace({ dir: path.dirname(dbFile), clock, logger });
  const feed = createChangeFeed({
    clock,
    // Jobs held by a pause count as paused, as the queue rows say (engine is set before any push).
    counts: () => (engineRef ? shownCounts(outbox, engineRef) : outbox.counts()),
    emit: (payload) => {
      events.emit('queue:changed', payload);
      attention.check();
    },
  });
  outbox.onChange((ids) => feed.push(ids));
  const attention = createAttentionWatch({
    settings,
    outbox,
    engine: () => engine,
    clock,
    emit: (payload) => events.emit('attention:changed', payload),
  });

  const folders = createFolderIntake({
    settings,
    configFile: file,
    outbox,
    getDestination: destinations.get,
    logger,
    clock,
    diskSpace,
  });
  const { engine, metrics } = setupDelivery({
    settings,
    outbox,
    destinations,
    folders,
    feed,
    recovery,
    diskSpace,
    clock,
    logger,
    version: options.version,
  });
  engineRef = engine;

  let started = false;
  // A job's own recording, for the players of both hosts: by job id only, checked against its hash.
  const recordings = createRecordingSource({ recordingOf: (id) => outbox.getJob(id)?.recording ?? null });
  const handlers = createCoreHandlers({
    recordings,
    settings,
    secrets,
    outbox,
    engine,
    destinations,
    folders,
    recovery,
    diskSpace,
    clock,
    logger,
    applyConfig,
    pickFolder: options.pickFolder,
    about: options.about,
    version: options.version,
  });

  const settingsChanged = () =>
    events.emit('settings:changed', { at: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') });

  async function applyConfig(config: Config, foldersChanged: boolean): Promise<void> {
    destinations.rebuild(settings.resolved());
    engine.setConcurrency(config.concurrency);
    engine.setBandwidth(config.bandwidth);
    await metrics.configure(started ? config.telemetry : withoutPush(config.telemetry));
    // The intake is built for a set of folders: a new set gets a new intake.
    if (foldersChanged) await folders.rebuild(started);
    engine.wake();
    settingsChanged();
  }

  /** A policy changed while running: the merged config takes effect as a settings change would. */
  async function applyPolicyChange(): Promise<void> {
    const before = JSON.stringify(settings.raw().folders);
    try {
      const config = settings.applyPolicy();
      await applyConfig(config, JSON.stringify(config.folders) !== before);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      logger.error(`${error.message}\nThe settings in effect before the policy changed stay in effect.`);
      settingsChanged();
    }
  }

  const knownSecrets = () => [
    ...settings.secretValues(),
    ...secrets.knownValues(),
    ...envProxySecrets(env),
    ...(options.extraSecrets?.() ?? []),
  ];
  const dispatcher = createContractDispatcher(
    handlers,
    (channel, error) => logger.error({ err: error, channel }, 'contract handler failed'),
    createSecretScrubber(knownSecrets),
  );

  return {
    dispatcher,
    on: events.on,
    async start() {
      if (started) return;
      // Throws (StartupError) before anything runs when another CallRelay works on this folder.
      folderLock = lockDataFolder(options.dataDir);
      started = true;
      await metrics.configure(settings.resolved().telemetry);
      checkpoints = startCheckpointSchedule({ checkpoint: () => outbox.checkpoint(), logger });
      engine.start();
      await folders.intake().start();
      attention.start();
      const exposure = checkLiteralSecretExposure(file, settings.raw().destinations);
      if (exposure) logger.warn(exposure);
      logger.info({ dataDir: options.dataDir, config: file }, 'core started');
    },
    async stop() {
      // A core that was never started (enqueue, doctor) still has a change feed that may be
      // holding a batch: it must be closed before the outbox, or its timer reads a closed database.
      if (started) {
        started = false;
        attention.stop();
        folders.stopWaits();
        await folders.closeIntake();
        await engine.stop();
        checkpoints?.stop();
      }
      // Before the outbox closes: a last push reads it.
      await metrics.close();
      await folders.closeEnrichment();
      policy?.close();
      feed.close();
      diskSpace.close();
      storage.close();
      await network.close();
      folderLock?.release();
      folderLock = null;
    },
    recovery: () => recovery.status(),
    diskSpace: () => diskSpace.status(),
    secretValues: () => [...settings.secretValues(), ...envProxySecrets(env)],
    checkCdr: () => folders.enrichment().checkCdr(settings.resolved().folders),
    updatePolicy: () => effectiveUpdates(policy?.current().policy ?? null),
    configFile: file,
    outboxFile: path.resolve(dbFile),
    scrapeMetrics: () => metrics.scrape(),
    recordings,
  };
}
