// `callrelay serve | sandbox | enqueue | status | doctor | token` — the headless entry point.
import { HEALTH_KEY, parseSavedHealth } from './core/engine/destination-health.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { NetworkReport, SettingsView } from '../shared/contract.js';
import { configFile as defaultConfigFile, defaultDataDir, outboxFile } from './core/config/default-paths.js';
import type { Logger } from './core/logger.js';
import type { Core } from './core/create-core.js';
import type { startSandbox } from './headless/sandbox/sandbox.js';

// Every command imports what it needs when it runs (the build splits them into chunks), so
// `--help`, `status` and `doctor` start without the engine, the UI host or the sandbox.
const load = {
  logger: () => import('./headless/cli-logger.js'),
  jobStates: () => import('../shared/job-states.js'),
  config: () => import('./core/config/load-config.js'),
  core: () => import('./core/create-core.js'),
  outbox: () => import('./core/outbox/outbox.js'),
  inspection: () => import('./core/outbox/outbox-inspection.js'),
  outboxStatus: () => import('./core/outbox/outbox-status.js'),
  demo: () => import('./headless/demo.js'),
  sandbox: () => import('./headless/sandbox/sandbox.js'),
  httpHost: () => import('./headless/serve/http-host.js'),
  serveToken: () => import('./headless/serve/serve-token.js'),
  metricsListener: () => import('./headless/serve/metrics-listener.js'),
};

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = path.resolve(here, '..', 'dist', 'renderer');

function appVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(here, '..', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

const USAGE = `callrelay — deliver call recordings to call-analytics platforms

Usage:
  callrelay serve [--config FILE] [--data DIR] [--host 127.0.0.1] [--port 4170] [--token T]
                  [--allow-host NAME]...
                  [--metrics-port N]
  callrelay serve --demo [--data DIR]      built-in sandbox, watches DIR/recordings
  callrelay token [--data DIR]             print the sign-in token of serve (owner only)
  callrelay sandbox [--host 127.0.0.1] [--port 4180]
  callrelay enqueue FILE... --destination NAME [--config FILE] [--data DIR]
  callrelay status [--data DIR] [--json]
  callrelay doctor [--config FILE] [--data DIR] [--set-aside-outbox] [--json]

Options:
  --data DIR      data folder (outbox, config); default ${defaultDataDir()}
                  (--demo defaults to ./callrelay-demo)
  --config FILE   config file; default DATA/config.json
  --host HOST     address to bind; anything but loopback requires --token
  --port N        port (0 picks a free one)
  --token T       the API token (default: made at first start, kept in DATA/serve-token);
                  env CALLRELAY_TOKEN. Clients send "Authorization: Bearer T"
  --token-file F  read the token from file F (a systemd credential, $CREDENTIALS_DIRECTORY/token,
                  is read without this option)
  --allow-host NAME  also answer to this Host name (a reverse proxy's, a DNS alias); repeatable
  --metrics-port N  also serve /metrics on 127.0.0.1:N without the token (for a local agent);
                  /metrics on the main port always needs the token
  --json          machine-readable output (doctor: the network report for support, secrets removed)
  --set-aside-outbox  (doctor) move a broken outbox aside as outbox.db.broken-<time>
  -h, --help      this help
`;

const options = {
  config: { type: 'string' },
  data: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  'metrics-port': { type: 'string' },
  'token-file': { type: 'string' },
  destination: { type: 'string' },
  demo: { type: 'boolean' },
  json: { type: 'boolean' },
  'set-aside-outbox': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

async function createLogger(): Promise<Logger> {
  const { createCliLogger } = await load.logger();
  const { LOG_LEVEL: level, LOG_FORMAT: format } = process.env;
  return createCliLogger({ level, format, tty: process.stderr.isTTY }) as unknown as Logger;
}

function parsePort(value: string | undefined, fallback: number, flag = '--port'): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${flag} must be 0–65535, not "${value}".`);
  return port;
}

/** How long a stop may take before the process exits anyway (the outbox survives that). */
const STOP_BOUND_MS = Number(process.env.CALLRELAY_STOP_TIMEOUT_MS ?? 20_000);

/**
 * Service managers stop us with SIGTERM (systemd, Docker), a terminal with SIGINT, Windows with
 * SIGBREAK (Ctrl+Break, service wrappers) or SIGHUP (console closed). Each finishes the in-flight
 * steps (recorded for resume) within STOP_BOUND_MS, then exits 0; a second signal exits at once.
 */
function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) {
      console.error(`${signal} again: exiting now; unfinished steps resume at the next start.`);
      process.exit(130);
    }
    stopping = true;
    console.error(`\n${signal}: finishing in-flight steps…`);
    const bound = setTimeout(() => {
      console.error(`Steps still running after ${STOP_BOUND_MS} ms; exiting. They resume at the next start.`);
      process.exit(1);
    }, STOP_BOUND_MS);
    bound.unref();
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  const signals: NodeJS.Signals[] = [
    'SIGINT',
    'SIGTERM',
    ...(process.platform === 'win32' ? (['SIGBREAK', 'SIGHUP'] as const) : []),
  ];
  for (const signal of signals) process.on(signal, () => handler(signal));
}

/**
 * The API token given: --token, else --token-file, else a systemd credential named "token"
 * (LoadCredential=token:…), else CALLRELAY_TOKEN; null leaves serve to its stored one. A file
 * keeps it out of `ps` and the unit file.
 */
function readToken(values: Record<string, string | boolean | string[] | undefined>): string | null {
  if (values.token) return values.token as string;
  const credentials = process.env.CREDENTIALS_DIRECTORY;
  const file =
    (values['token-file'] as string | undefined) ??
    (credentials && fs.existsSync(path.join(credentials, 'token')) ? path.join(credentials, 'token') : undefined);
  if (file) {
    let token: string;
    try {
      token = fs.readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new UsageError(`The token file ${file} cannot be read (${(error as Error).message}).`);
    }
    if (!token) throw new UsageError(`The token file ${file} is empty; write the token into it.`);
    return token;
  }
  return process.env.CALLRELAY_TOKEN ?? null;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function serveDataDir(values: Values): string {
  return path.resolve((values.data as string | undefined) ?? (values.demo ? 'callrelay-demo' : defaultDataDir()));
}

async function serve(values: Values): Promise<void> {
  const [{ createCore }, { assertBindAllowed, startHttpHost }, { loadOrCreateToken }, { startMetricsListener }] =
    await Promise.all([load.core(), load.httpHost(), load.serveToken(), load.metricsListener()]);
  const logger = await createLogger();
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const explicitToken = readToken(values);
  const port = parsePort(values.port as string | undefined, 4170);
  const allowHosts = (values['allow-host'] as string[] | undefined) ?? [];
  const metricsPort =
    values['metrics-port'] === undefined ? null : parsePort(values['metrics-port'] as string, 0, '--metrics-port');
  // Before anything starts: a refused bind must not leave the core delivering for a moment.
  assertBindAllowed(host, explicitToken);
  // A token also on loopback: the port is open to every web page and every local user.
  const token = explicitToken ?? loadOrCreateToken(serveDataDir(values));
  let core: Core;
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | null = null;
  let demoLines: string[] = [];

  if (values.demo) {
    const dataDir = serveDataDir(values);
    const { startDemo } = await load.demo();
    const demo = await startDemo(dataDir);
    sandbox = demo.sandbox;
    core = createCore({
      dataDir,
      configFile: defaultConfigFile(dataDir),
      initialConfig: demo.initialConfig,
      logger,
      version: appVersion(),
    });
    // Printed after the sign-in URL: the app is what a person opens first.
    demoLines = [
      `Drop recordings into:         ${demo.recordings}`,
      `  (calls for review:          ${demo.recordingsForReview})`,
      `Sandbox (emulated platforms): ${sandbox.url}`,
    ];
  } else {
    const dataDir = serveDataDir(values);
    core = createCore({ dataDir, configFile: values.config as string | undefined, logger, version: appVersion() });
  }
  // Bound before the core starts: a port already in use stops serve before anything is delivered.
  let metricsListener: Awaited<ReturnType<typeof startMetricsListener>> | null = null;
  let hostServer: Awaited<ReturnType<typeof startHttpHost>>;
  try {
    metricsListener =
      metricsPort === null
        ? null
        : await startMetricsListener({ port: metricsPort, scrape: () => core.scrapeMetrics(), logger });
    hostServer = await startHttpHost({
      dispatcher: core.dispatcher,
      subscribe: (event, listener) => core.on(event, listener),
      staticDir: RENDERER_DIR,
      host,
      port,
      token,
      allowHosts,
      logger,
      metrics: () => core.scrapeMetrics(),
      recordings: core.recordings,
    });
  } catch (error) {
    await metricsListener?.close();
    await core.stop();
    await sandbox?.close();
    throw error;
  }
  try {
    await core.start();
  } catch (error) {
    await hostServer.close();
    await metricsListener?.close();
    await core.stop();
    await sandbox?.close();
    throw error;
  }
  const recovery = core.recovery();
  if (recovery.behind) console.error(`callrelay: WARNING: ${recovery.message}`);
  // The token rides in the fragment, which the browser never sends: it reaches no access log.
  console.log(`CallRelay is running:        ${hostServer.signInUrl}`);
  for (const line of demoLines) console.log(line);
  if (metricsListener) console.log(`Metrics (loopback, no token): ${metricsListener.url}`);
  onSignals(async () => {
    await metricsListener?.close();
    await hostServer.close();
    await core.stop();
    await sandbox?.close();
  });
}

/** `callrelay token`: prints the stored token; only its owner can read the file it comes from. */
async function tokenCommand(values: Values): Promise<void> {
  const { loadOrCreateToken } = await load.serveToken();
  console.log(loadOrCreateToken(serveDataDir(values)));
}

async function sandboxCommand(values: Values): Promise<void> {
  const { startSandbox } = await load.sandbox();
  const sandbox = await startSandbox({
    host: (values.host as string | undefined) ?? '127.0.0.1',
    port: parsePort(values.port as string | undefined, 4180),
    dataDir: path.resolve((values.data as string | undefined) ?? '.callrelay-sandbox'),
  });
  console.log(`Sandbox listening on ${sandbox.url}`);
  console.log('Destinations it emulates (paste into your config):');
  console.log(JSON.stringify({ destinations: sandbox.destinationConfigs() }, null, 2));
  onSignals(() => sandbox.close());
}

/** Free space of the data folder's disk, as `status` reports it (the running host shows the same). */
function diskStatus(dataDir: string): { freeMb: number | null; full: boolean } {
  try {
    const s = fs.statfsSync(dataDir);
    const free = s.bavail * s.bsize;
    return { freeMb: Math.floor(free / (1024 * 1024)), full: free < 1024 * 1024 };
  } catch {
    return { freeMb: null, full: false };
  }
}

async function status(values: Values): Promise<void> {
  const dataDir = path.resolve((values.data as string | undefined) ?? defaultDataDir());
  const file = outboxFile(dataDir);
  if (!fs.existsSync(file)) throw new UsageError(`No outbox at ${file}: nothing was queued yet, or --data is wrong.`);
  // Read-only first, as found: a damaged outbox must not be hidden by opening it for writing. The
  // counts come from the counters the triggers keep, without the integrity check, pino or zod; an
  // outbox the quick read cannot use is opened properly (migrated, or its problem reported).
  const [{ readStateCounts, readMeta }, { inspectOutbox }, { jobStates }] = await Promise.all([
    load.outboxStatus(),
    load.inspection(),
    load.jobStates(),
  ]);
  const { recovery } = inspectOutbox(file, { integrity: false });
  const quick = readStateCounts(file);
  const outbox = quick
    ? null
    : (await load.outbox()).openOutbox({ file, clock: { now: () => Date.now() }, logger: await createLogger() });
  try {
    const counts = quick ?? outbox!.counts();
    // As the engine last saw them (a running serve keeps this up to date).
    const destinations = parseSavedHealth(outbox ? outbox.getMeta(HEALTH_KEY) : readMeta(file, HEALTH_KEY));
    if (values.json) {
      console.log(
        JSON.stringify({
          dataDir,
          counts,
          destinations,
          recovery: recovery.message ? recovery : null,
          disk: diskStatus(dataDir),
        }),
      );
    } else {
      for (const state of jobStates) console.log(`${state.padEnd(14)} ${counts[state]}`);
      for (const d of destinations) {
        console.log(
          `${d.name}: ${d.health}${d.since ? ` since ${d.since}` : ''}${d.lastError ? ` (${d.lastError})` : ''}`,
        );
      }
      if (recovery.message) console.log(`\n${recovery.behind ? 'WARNING' : 'note'}: ${recovery.message}`);
      const disk = diskStatus(dataDir);
      if (disk.full) console.log(`\nWARNING: the data folder's disk is full (${disk.freeMb} MB free); free some space`);
    }
  } finally {
    outbox?.close();
  }
}

async function enqueue(values: Values, files: string[]): Promise<void> {
  if (files.length === 0) throw new UsageError('Name at least one file to enqueue.');
  const destination = values.destination as string | undefined;
  if (!destination) throw new UsageError('Choose a destination with --destination NAME.');
  const dataDir = path.resolve((values.data as string | undefined) ?? defaultDataDir());
  const { createCore } = await load.core();
  const core = createCore({ dataDir, configFile: values.config as string | undefined, logger: await createLogger() });
  try {
    const reply = await core.dispatcher.dispatch('files:enqueue', {
      paths: files.map((f) => path.resolve(f)),
      destination,
    });
    if (!reply.ok) throw new UsageError(reply.error.message);
    const value = reply.value as { queued: number; duplicates: number; errors: { path: string; message: string }[] };
    console.log(`queued ${value.queued}, already known ${value.duplicates}`);
    for (const e of value.errors) console.error(`${e.path}: ${e.message}`);
    if (value.errors.length > 0) process.exitCode = 1;
  } finally {
    await core.stop();
  }
}

/** Each network step on its own indented line: name, outcome, time, what it found. */
function describeSteps(d: NetworkReport['destinations'][number]): string[] {
  return d.steps.map((s) => {
    const ms = s.ms === null ? '' : `${s.ms.toFixed(1)} ms`;
    return `       ${s.step.padEnd(8)} ${s.status.padEnd(8)} ${ms.padStart(10)}  ${s.detail}`;
  });
}

/** The report is for support tickets: no secret value may survive in it, whatever step said it. */
function redactAll(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

async function doctor(values: Values): Promise<void> {
  const dataDir = path.resolve((values.data as string | undefined) ?? defaultDataDir());
  const file = (values.config as string | undefined) ?? defaultConfigFile(dataDir);
  let failed = false;
  let jsonReport: string | null = null;
  // --json prints only the network report on stdout; the checks go to stderr.
  const out = values.json ? console.error : console.log;
  const report = (ok: boolean, what: string) => {
    if (!ok) failed = true;
    out(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  };
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  report(major > 20 || (major === 20 && minor >= 19), `Node.js ${process.versions.node} (needs 20.19 or newer)`);
  try {
    const { default: Database } = await import('better-sqlite3');
    new Database(':memory:').close();
    report(true, 'better-sqlite3 loads');
  } catch (error) {
    report(false, `better-sqlite3 does not load (${(error as Error).message}); run: npm rebuild better-sqlite3`);
  }
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK);
    report(true, `data folder ${dataDir} is writable`);
  } catch (error) {
    report(false, `data folder ${dataDir}: ${(error as Error).message}`);
  }
  report(fs.existsSync(path.join(RENDERER_DIR, 'index.html')), 'user interface built (npm run build:renderer)');
  const [{ OutboxOpenError, setAsideOutbox }, { inspectOutbox }] = await Promise.all([
    load.outbox(),
    load.inspection(),
  ]);
  const dbFile = outboxFile(dataDir);
  let outboxBroken = false;
  if (fs.existsSync(dbFile)) {
    // Read-only first: the report describes the outbox as found. Opening it for writing would
    // replay and checkpoint a cut WAL and so hide the damage before anyone had seen it.
    const found = inspectOutbox(dbFile);
    if (found.problem) {
      const error = new OutboxOpenError(dbFile, found.problem);
      if (values['set-aside-outbox']) {
        const kept = setAsideOutbox(dbFile);
        out(`ok   the broken outbox was moved to ${kept}; the next start begins with an empty queue`);
      } else {
        outboxBroken = true;
        report(false, error.message);
      }
    } else {
      report(true, `outbox ${dbFile} passes its quick check`);
      if (found.recovery.behind) {
        outboxBroken = true;
        report(
          false,
          `${found.recovery.message} Start CallRelay as usual: it reconciles these calls with the platforms ` +
            'before creating anything. Keep the outbox files as they are until then.',
        );
      } else if (found.recovery.message) {
        console.log(`note ${found.recovery.message}`);
      }
    }
  }
  let core: Core | null = null;
  if (outboxBroken) {
    console.log('skip config and destination checks: they open the outbox, which must stay as found for now');
    process.exitCode = 1;
    return;
  }
  const { ConfigError, readConfigFile } = await load.config();
  try {
    readConfigFile(file);
    const { createCore } = await load.core();
    core = createCore({ dataDir, configFile: file, logger: await createLogger() });
    report(true, `config ${file} is valid`);
    const settings = await core.dispatcher.dispatch('settings:get', {});
    const policy = settings.ok ? (settings.value as SettingsView).policy : null;
    if (policy) {
      const locked = policy.locked.length > 0 ? `locks ${policy.locked.join(', ')}` : 'recommends settings only';
      report(policy.error === null, policy.error ?? `managed policy ${policy.source} ${locked}`);
    }
    const network = await core.dispatcher.dispatch('network:diagnose', {});
    if (!network.ok) throw new Error(network.error.message);
    const value = network.value as NetworkReport;
    if (values.json) jsonReport = redactAll(JSON.stringify(value, null, 2), core.secretValues());
    for (const d of value.destinations) {
      const last = d.steps.at(-1);
      report(d.ok, `destination ${d.destination}: ${d.ok ? (last?.detail ?? 'ok') : d.firstFailure}`);
      for (const line of describeSteps(d)) out(line);
    }
    for (const check of await core.checkCdr()) report(check.ok, `CDR of folder ${check.folder}: ${check.message}`);
  } catch (error) {
    report(false, error instanceof ConfigError ? error.message : `config: ${(error as Error).message}`);
  } finally {
    await core?.stop();
  }
  if (values.json) console.log(jsonReport ?? JSON.stringify({ destinations: [], trust: [], error: 'no report' }));
  if (failed) process.exitCode = 1;
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case 'serve':
      return serve(values);
    case 'sandbox':
      return sandboxCommand(values);
    case 'status':
      return status(values);
    case 'enqueue':
      return enqueue(values, positionals);
    case 'doctor':
      return doctor(values);
    case 'token':
      return tokenCommand(values);
    default:
      throw new UsageError(`Unknown command "${command}". Run callrelay --help.`);
  }
}

/**
 * Errors that are the person's to fix, shown as one line. Matched by class name: the classes live
 * in lazily loaded modules, and importing them here would load those for every failure.
 */
function isExpectedError(error: unknown): error is Error {
  const expected = ['ConfigError', 'HostStartError', 'TokenFileError', 'OutboxOpenError', 'StartupError'];
  return error instanceof Error && (expected.includes(error.name) || expected.includes(error.constructor.name));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || isExpectedError(error)) {
    console.error(`callrelay: ${error.message}`);
  } else if (error instanceof Error && 'code' in error && error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error(`callrelay: ${error.message}\n\n${USAGE}`);
  } else {
    console.error('callrelay: unexpected error:', error);
  }
  process.exit(1);
});
