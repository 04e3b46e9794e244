// `callrelay serve`, `token` and `sandbox`: the long-running hosts and the token serve signs in with.
import path from 'node:path';
import { configFile as defaultConfigFile } from '../core/config/default-paths.js';
import type { Core } from '../core/create-core.js';
import { useLeanHeap } from '../core/lean-heap.js';
import type { startSandbox } from '../headless/sandbox/sandbox.js';
import {
  createLogger,
  load,
  onSignals,
  parsePort,
  readToken,
  serveDataDir,
  type CliContext,
  type Values,
} from './cli-common.js';

export async function serve(values: Values, context: CliContext): Promise<void> {
  // Before undici's first request and before the core allocates (core/lean-heap.ts).
  useLeanHeap();
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
      version: context.version,
    });
    // Printed after the sign-in URL: the app is what a person opens first.
    demoLines = [
      `Drop recordings into:         ${demo.recordings}`,
      `  (calls for review:          ${demo.recordingsForReview})`,
      `Sandbox (emulated platforms): ${sandbox.url}`,
    ];
  } else {
    const dataDir = serveDataDir(values);
    core = createCore({ dataDir, configFile: values.config as string | undefined, logger, version: context.version });
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
      staticDir: context.rendererDir,
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
export async function tokenCommand(values: Values): Promise<void> {
  const { loadOrCreateToken } = await load.serveToken();
  console.log(loadOrCreateToken(serveDataDir(values)));
}

export async function sandboxCommand(values: Values): Promise<void> {
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
