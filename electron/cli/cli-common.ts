// What every `callrelay` command shares: the paths and version the entry point found, how a
// command loads the heavy parts it needs (lazily, one chunk each in the build), the logger,
// option parsing helpers and the signal handling of the long-running commands.
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../core/config/default-paths.js';
import type { Logger } from '../core/logger.js';

/** Found by the entry point (electron/cli.ts, dist-cli/cli.js: both one folder below the root). */
export interface CliContext {
  /** The built UI that serve hosts. */
  rendererDir: string;
  version: string;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

/** A mistake in how the command was called, shown as one line. */
export class UsageError extends Error {}

// Every command imports what it needs when it runs (the build splits them into chunks), so
// `--help`, `status` and `doctor` start without the engine, the UI host or the sandbox.
export const load = {
  logger: () => import('../headless/cli-logger.js'),
  jobStates: () => import('../../shared/job-states.js'),
  config: () => import('../core/config/load-config.js'),
  core: () => import('../core/create-core.js'),
  outbox: () => import('../core/outbox/outbox.js'),
  inspection: () => import('../core/outbox/outbox-inspection.js'),
  outboxStatus: () => import('../core/outbox/outbox-status.js'),
  demo: () => import('../headless/demo.js'),
  sandbox: () => import('../headless/sandbox/sandbox.js'),
  httpHost: () => import('../headless/serve/http-host.js'),
  serveToken: () => import('../headless/serve/serve-token.js'),
  metricsListener: () => import('../headless/serve/metrics-listener.js'),
};

export async function createLogger(): Promise<Logger> {
  const { createCliLogger } = await load.logger();
  const { LOG_LEVEL: level, LOG_FORMAT: format } = process.env;
  return createCliLogger({ level, format, tty: process.stderr.isTTY }) as unknown as Logger;
}

export function parsePort(value: string | undefined, fallback: number, flag = '--port'): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${flag} must be 0–65535, not "${value}".`);
  return port;
}

/** The data folder of a command that only reads it: --data, else the default. */
export function dataDirOf(values: Values): string {
  return path.resolve((values.data as string | undefined) ?? defaultDataDir());
}

/** serve's data folder: --demo keeps its own, ./callrelay-demo. */
export function serveDataDir(values: Values): string {
  return path.resolve((values.data as string | undefined) ?? (values.demo ? 'callrelay-demo' : defaultDataDir()));
}

/**
 * The API token given: --token, else --token-file, else a systemd credential named "token"
 * (LoadCredential=token:…), else CALLRELAY_TOKEN; null leaves serve to its stored one. A file
 * keeps it out of `ps` and the unit file.
 */
export function readToken(values: Values): string | null {
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

/** How long a stop may take before the process exits anyway (the outbox survives that). */
const STOP_BOUND_MS = Number(process.env.CALLRELAY_STOP_TIMEOUT_MS ?? 20_000);

/**
 * Service managers stop us with SIGTERM (systemd, Docker), a terminal with SIGINT, Windows with
 * SIGBREAK (Ctrl+Break, service wrappers) or SIGHUP (console closed). Each finishes the in-flight
 * steps (recorded for resume) within STOP_BOUND_MS, then exits 0; a second signal exits at once.
 */
export function onSignals(stop: () => Promise<void>): void {
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
