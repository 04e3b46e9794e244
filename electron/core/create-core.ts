// The composition root: one place that builds the core from its parts, for both hosts (the
// Electron main process and `callrelay serve`). Everything the core needs from its host comes in
// through the options: paths, secret handling, logger, clock.
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { Config, DestinationConfig } from '../../shared/config.js';
import type { AppAbout, EventName, EventPayload } from '../../shared/contract.js';
import {
  createContractDispatcher,
  HandlerError,
  type ContractDispatcher,
  type ContractHandlers,
} from '../../shared/contract-host.js';
import { createDashboardHandlers } from './api/dashboard-handlers.js';
import { createDestinationHandlers } from './api/destination-handlers.js';
import { createMetadataHandlers } from './api/metadata-handlers.js';
import { createQueueHandlers } from './api/queue-handlers.js';
import { configFile as defaultConfigFile, outboxFile } from './config/default-paths.js';
import { ConfigError } from './config/load-config.js';
import { effectiveUpdates } from './config/managed-policy.js';
import { defaultPolicySource, watchPolicy, type PolicySource } from './config/policy-source.js';
import { createSettingsStore } from './config/settings-store.js';
import { createDestination } from './destinations/create-destination.js';
import type { Destination } from './destinations/destination.js';
import { createChangeFeed } from './engine/change-feed.js';
import { createNetwork, envProxySecrets, resolvedProxySetting } from './http/network.js';
import { diagnoseDestination } from './http/network-doctor.js';
import { createEngine, type Engine } from './engine/engine.js';
import { createDiskSpace, type DiskSpaceStatus } from './health/disk-space.js';
import { shownCounts } from './api/queue-handlers.js';
import { createSilentLogger, systemClock, type Clock, type Logger } from './logger.js';
import { createFleetMetrics } from './metrics/fleet-metrics.js';
import { folderLabels } from './metrics/folder-labels.js';
import { createEnrichmentRegistry } from './metadata/call-enrichment.js';
import { startCheckpointSchedule } from './outbox/checkpoint-schedule.js';
import { openOutbox } from './outbox/outbox.js';
import { createRecoveryGuard, type RecoveryStatus } from './outbox/outbox-recovery.js';
import { openProgressWitness, witnessFileFor } from './outbox/progress-witness.js';
import { checkLiteralSecretExposure } from './secrets/config-file-mode.js';
import { createRedactingLogger, createSecretScrubber } from './secrets/redacting-logger.js';
import { ownerOnlyFileCodec, type SecretCodec } from './secrets/secret-codec.js';
import { createSecretHandling, type SecretHandling } from './secrets/secret-handling.js';
import { assertDataFolderWritable, lockDataFolder, type DataFolderLock } from './startup-checks.js';
import { createIntake } from './watch/intake.js';

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

type Listener = (payload: unknown) => void;

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
  // A policy holds secret references only, so its messages go to the host's logger as they are.
  const policySource = options.policySource === undefined ? defaultPolicySource(env) : options.policySource;
  const policy = policySource
    ? watchPolicy({
        source: policySource,
        logger: options.logger ?? createSilentLogger(),
        onChange: () =>
          void applyPolicyChange().catch((error: unknown) =>
            logger.error({ err: error }, 'applying the policy failed'),
          ),
      })
    : null;
  const policyAtStart = policy?.current();
  if (policyAtStart?.error && !policyAtStart.policy) {
    // No valid policy seen yet: starting without it would unlock what IT meant to lock.
    policy?.close();
    throw new ConfigError(`${policyAtStart.error}\nFix the policy, then start CallRelay again.`, null);
  }
  let settings: ReturnType<typeof createSettingsStore>;
  try {
    settings = createSettingsStore({ file, secrets, initial: options.initialConfig, policy: policy?.current });
  } catch (error) {
    policy?.close();
    throw error;
  }
  const logger = createRedactingLogger(options.logger ?? createSilentLogger(), () => [
    ...settings.secretValues(),
    ...envProxySecrets(env),
  ]);

  const listeners = new Map<EventName, Set<Listener>>();
  function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        logger.warn({ err: error, event }, 'event listener failed');
      }
    }
  }

  const network = createNetwork({
    env,
    resolveSystemProxy: options.resolveProxy,
    systemCertificates: options.systemCertificates,
  });
  const routeOf = (d: DestinationConfig, config: Config) =>
    network.forDestination(
      { name: d.name, proxy: resolvedProxySetting(d.proxy), caFile: d.caFile },
      { proxy: resolvedProxySetting(config.proxy), caFile: config.caFile },
    );
  let destinations = new Map<string, Destination>();
  let routes = new Map<string, ReturnType<typeof routeOf>>();
  function buildDestinations(config: Config): void {
    routes = new Map(config.destinations.filter((d) => d.enabled).map((d) => [d.name, routeOf(d, config)]));
    destinations = new Map(
      config.destinations
        .filter((d) => d.enabled)
        .map((d) => [
          d.name,
          createDestination(d, {
            logger: logger.child({ destination: d.name }),
            clock,
            dispatcher: options.httpDispatcher,
            route: routes.get(d.name),
          }),
        ]),
    );
  }
  buildDestinations(settings.resolved());
  const getDestination = (name: string) => destinations.get(name);
  // What may send: a destination awaiting secrets for its new address is known (its recordings
  // are checked against its fields) but never run, tested or probed.
  const awaitingSecrets = () =>
    new Set(
      settings
        .resolved()
        .destinations.filter((d) => d.awaitingSecrets)
        .map((d) => d.name),
    );
  const getSendableDestination = (name: string) => (awaitingSecrets().has(name) ? undefined : destinations.get(name));

  let engineRef: Engine | null = null;
  const dbFile = outboxFile(options.dataDir);
  const outbox = openOutbox({ file: dbFile, clock, logger: logger.child({ part: 'outbox' }) });
  let witness: ReturnType<typeof openProgressWitness>;
  try {
    witness = openProgressWitness(witnessFileFor(dbFile));
  } catch (error) {
    outbox.close();
    throw error;
  }
  const recovery = createRecoveryGuard({
    lostCreates: (entries) => outbox.lostCreates(entries),
    witness,
    clock,
    logger: logger.child({ part: 'outbox' }),
    getMeta: (key) => outbox.getMeta(key),
    setMeta: (key, value) => outbox.setMeta(key, value),
  });
  let checkpoints: ReturnType<typeof startCheckpointSchedule> | null = null;
  let folderLock: DataFolderLock | null = null;
  const diskSpace = createDiskSpace({ dir: path.dirname(dbFile), clock, logger });
  const feed = createChangeFeed({
    clock,
    // Jobs held by a pause count as paused, as the queue rows say (engine is set before any push).
    counts: () => (engineRef ? shownCounts(outbox, engineRef) : outbox.counts()),
    emit: (payload) => {
      emit('queue:changed', payload);
      checkAttention();
    },
  });
  outbox.onChange((ids) => feed.push(ids));

  // What a person must act on: calls waiting for review, destinations failing for long. Emitted
  // only when it changes, so the tray and notifications do not flicker with every job update.
  let attentionKey = '';
  function checkAttention(): void {
    const failingAfterMs = settings.resolved().notifications.destinationFailingAfterMin * 60_000;
    const now = clock.now();
    const health = engine.health();
    const failingDestinations = health
      .filter((h) => h.offlineSince !== null && now - Date.parse(h.offlineSince) >= failingAfterMs)
      .map((h) => h.name);
    const unhealthy = health
      .filter((h) => !h.paused && h.health !== 'online')
      .map((h) => ({ name: h.name, health: h.health as 'degraded' | 'down', since: h.since }));
    const payload = { reviewWaiting: outbox.counts()['needs-review'], failingDestinations, unhealthy };
    const key = JSON.stringify(payload);
    if (key === attentionKey) return;
    attentionKey = key;
    emit('attention:changed', payload);
  }
  let attentionTimer: NodeJS.Timeout | null = null;

  // CDR pools and agent directories per folder; rebuilt with the intake when the folders change.
  const createEnrichment = () =>
    createEnrichmentRegistry({
      globalAgents: settings.resolved().agents,
      baseDir: path.dirname(path.resolve(file)),
      logger: logger.child({ part: 'enrichment' }),
    });
  let enrichment = createEnrichment();
  const createFolderIntake = () =>
    createIntake({
      folders: settings.resolved().folders,
      port: outbox,
      getDestination,
      logger: logger.child({ part: 'watch' }),
      clock,
      enrichmentFor: (folder) => enrichment.forFolder(folder),
      diskSpace,
    });
  let intake = createFolderIntake();
  const engine = createEngine({
    outbox,
    getDestination: getSendableDestination,
    clock,
    logger: logger.child({ part: 'engine' }),
    recovery,
    diskSpace,
    concurrency: settings.resolved().concurrency,
    bandwidth: settings.resolved().bandwidth,
    destinationNames: () =>
      settings
        .resolved()
        .destinations.filter((d) => d.enabled && !d.awaitingSecrets)
        .map((d) => d.name),
    destinationConcurrency: (name) => settings.resolved().destinations.find((d) => d.name === name)?.concurrency,
    onRecordingChanged: (job) => intake.rereadChanged(job),
    onPauseChanged: () => feed.reset(),
    onDelivered: async (job) => {
      const outcome = await intake.afterDelivery(job);
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
  // Only a started core pushes: a one-shot command (enqueue, doctor) must not report as the station.
  const withoutPush = (t: Config['telemetry']) => (t ? { ...t, otlp: undefined } : t);
  const metrics = createFleetMetrics({
    version: options.version ?? 'unknown',
    telemetry: withoutPush(settings.resolved().telemetry),
    logger,
    sources: {
      outbox,
      destinations: () => engine.health(),
      folders() {
        const labels = folderLabels(settings.resolved().folders);
        return intake.statuses().map((f) => ({ label: labels.get(f.path) ?? 'folder', available: f.available }));
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
  engineRef = engine;

  const destinationHandlers = createDestinationHandlers({
    getDestination: getSendableDestination,
    build: (config) => {
      // A draft from the form carries no network settings: a saved destination's proxy and
      // caFile still apply, so "Test connection" goes the way its deliveries go.
      const stored = settings.resolved().destinations.find((d) => d.name === config.name);
      const network = { ...config, proxy: config.proxy ?? stored?.proxy, caFile: config.caFile ?? stored?.caFile };
      return createDestination(config, {
        logger,
        clock,
        dispatcher: options.httpDispatcher,
        route: routeOf(network as DestinationConfig, settings.resolved()),
      });
    },
    resolveDraft: (draft) => {
      // A draft from the settings form: secrets left blank fall back to the stored ones (same origin only).
      const stored = settings.resolved().destinations.find((d) => d.name === draft.name);
      return { stored, secrets };
    },
  });
  let started = false;
  const handlers: ContractHandlers = {
    ...createQueueHandlers({ outbox, engine, getDestination, clock, reexamine: (job) => intake.reexamine(job) }),
    ...createDashboardHandlers({
      outbox,
      engine,
      clock,
      folders: () => intake.statuses(),
      warnings: () => {
        const r = recovery.status();
        const disk = diskSpace.status();
        return [
          ...(disk.message ? [{ kind: 'disk-full', message: disk.message }] : []),
          ...(r.message ? [{ kind: r.behind ? 'outbox-behind' : 'outbox-recovered', message: r.message }] : []),
        ];
      },
    }),
    ...destinationHandlers,
    'destination:test': (args) => {
      if (args.name && !args.draft && awaitingSecrets().has(args.name)) {
        throw new HandlerError(
          'bad-input',
          `${args.name} moved to a new address and waits for its secrets: enter the token again for the new address in Settings. Nothing is sent until then.`,
        );
      }
      return destinationHandlers['destination:test'](args);
    },
    ...createMetadataHandlers({
      getDestination,
      // A folder already saved lends its CDR and agent directory to the preview of its draft.
      enrichmentFor: (draft) => {
        const saved = settings.resolved().folders.find((f) => path.resolve(f.path) === path.resolve(draft.path ?? ''));
        return enrichment.forFolder(saved ?? { path: draft.path ?? '' });
      },
      isWatchedFolder: (folderPath) =>
        settings.resolved().folders.some((f) => path.resolve(f.path) === path.resolve(folderPath)),
    }),
    'settings:get': () => settings.view(),
    'settings:update': async (patch) => {
      const config = settings.update(patch);
      await applyConfig(config, Boolean(patch.folders));
      return settings.view();
    },
    'app:about': () => options.about?.() ?? { version: options.version ?? 'unknown', host: 'headless', update: null },
    'files:enqueue': async ({ paths, destination }) => {
      if (!destinations.has(destination)) {
        throw new HandlerError('bad-input', `No enabled destination named "${destination}"; choose one from Settings.`);
      }
      const result = await intake.enqueuePaths(paths, destination);
      engine.wake();
      return result;
    },
    'network:diagnose': async ({ name }) => {
      const config = settings.resolved();
      // A destination waiting for its secrets (new address) is never tested: it would send the old ones.
      const chosen = config.destinations.filter(
        (d) => d.enabled && getSendableDestination(d.name) && (name === undefined || d.name === name),
      );
      if (name !== undefined && chosen.length === 0) {
        throw new HandlerError('not-found', `No enabled destination named "${name}"; check the name in Settings.`);
      }
      const report = await Promise.all(
        chosen.map((d) =>
          diagnoseDestination({
            name: d.name,
            baseUrl: d.baseUrl,
            route: routes.get(d.name) ?? routeOf(d, config),
            testConnection: (signal) => getSendableDestination(d.name)!.testConnection(signal),
          }),
        ),
      );
      let trust: { label: string; certificates: number }[] = [];
      try {
        const first = chosen[0]
          ? (routes.get(chosen[0].name) ?? routeOf(chosen[0], config))
          : routeOf({ name: '-', caFile: undefined } as DestinationConfig, config);
        trust = first.trust().sources.map((s) => ({ label: s.label, certificates: s.pems.length }));
      } catch (error) {
        logger.warn({ err: error }, 'trusted roots could not be listed');
      }
      return { destinations: report, trust, at: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    },
    'dialog:pick-folder': async () => ({ path: options.pickFolder ? await options.pickFolder() : null }),
  };

  async function applyConfig(config: Config, foldersChanged: boolean): Promise<void> {
    buildDestinations(settings.resolved());
    engine.setConcurrency(config.concurrency);
    engine.setBandwidth(config.bandwidth);
    await metrics.configure(started ? config.telemetry : withoutPush(config.telemetry));
    if (foldersChanged) {
      // The intake is built for a set of folders: a new set gets a new intake.
      enrichment.stopWaits();
      await intake.close();
      await enrichment.close();
      enrichment = createEnrichment();
      intake = createFolderIntake();
      if (started) await intake.start();
    }
    engine.wake();
    emit('settings:changed', { at: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') });
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
      emit('settings:changed', { at: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') });
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
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    async start() {
      if (started) return;
      // Throws (StartupError) before anything runs when another CallRelay works on this folder.
      folderLock = lockDataFolder(options.dataDir);
      started = true;
      await metrics.configure(settings.resolved().telemetry);
      checkpoints = startCheckpointSchedule({ checkpoint: () => outbox.checkpoint(), logger });
      engine.start();
      await intake.start();
      checkAttention();
      attentionTimer = setInterval(checkAttention, 30_000);
      attentionTimer.unref();
      const exposure = checkLiteralSecretExposure(file, settings.raw().destinations);
      if (exposure) logger.warn(exposure);
      logger.info({ dataDir: options.dataDir, config: file }, 'core started');
    },
    async stop() {
      // A core that was never started (enqueue, doctor) still has a change feed that may be
      // holding a batch: it must be closed before the outbox, or its timer reads a closed database.
      if (started) {
        started = false;
        if (attentionTimer) clearInterval(attentionTimer);
        enrichment.stopWaits();
        await intake.close();
        await engine.stop();
        checkpoints?.stop();
      }
      // Before the outbox closes: a last push reads it.
      await metrics.close();
      await enrichment.close();
      policy?.close();
      feed.close();
      diskSpace.close();
      witness.close();
      outbox.close();
      await network.close();
      folderLock?.release();
      folderLock = null;
    },
    recovery: () => recovery.status(),
    diskSpace: () => diskSpace.status(),
    secretValues: () => [...settings.secretValues(), ...envProxySecrets(env)],
    checkCdr: () => enrichment.checkCdr(settings.resolved().folders),
    updatePolicy: () => effectiveUpdates(policy?.current().policy ?? null),
    configFile: file,
    outboxFile: path.resolve(dbFile),
    scrapeMetrics: () => metrics.scrape(),
  };
}
