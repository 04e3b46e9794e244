// The core's view of the network: for each destination, the proxy decision and trusted roots
// of every request, and the dispatcher that carries it. Built once per core; each destination
// gets a route from it. Desktop specifics (system proxy, OS trust store) come in as functions.
import type { Dispatcher } from 'undici';
import type { ProxySetting } from '../../../shared/config.js';
import { createDispatcherPool } from './dispatcher.js';
import { createPacFiles, type PacFiles } from './pac-file.js';
import {
  decideProxy,
  readEnvProxy,
  splitCredentials,
  type EnvLike,
  type ProxyDecision,
  type ResolvedProxySetting,
} from './proxy-decision.js';
import { buildTrust, type Trust } from './trust-store.js';

export interface NetworkHost {
  env: EnvLike;
  /** Desktop: Electron's session.resolveProxy(url) ("DIRECT", "PROXY host:port; …"). */
  resolveSystemProxy?: (url: string) => Promise<string>;
  /** Desktop: the OS trust store as PEM strings. */
  systemCertificates?: () => string[];
  now?: () => number;
}

export interface NetworkSettings {
  proxy?: ResolvedProxySetting;
  caFile?: string;
}

export interface DestinationNetwork extends NetworkSettings {
  name: string;
}

export interface Route {
  decision: ProxyDecision;
  dispatcher: Dispatcher;
}

export interface NetworkRoute {
  /** Which way a request to this URL goes and the dispatcher that takes it there. */
  routeFor(url: URL): Promise<Route>;
  decide(url: URL): Promise<ProxyDecision>;
  /** The roots this destination trusts (throws a TrustFileError for an unreadable caFile). */
  trust(): Trust;
}

export interface Network {
  forDestination(destination: DestinationNetwork, global: NetworkSettings): NetworkRoute;
  readonly host: NetworkHost;
  close(): Promise<void>;
}

/** PAC and system answers can change (a laptop moves between office and home): asked again after this. */
const DECISION_TTL_MS = 60_000;

export function createNetwork(host: NetworkHost): Network {
  const now = host.now ?? Date.now;
  const pool = createDispatcherPool();
  // Read once: the Windows store can take a moment, and it does not change under a running app.
  let systemCerts: string[] | null = null;
  const systemCertificates = host.systemCertificates ? () => (systemCerts ??= host.systemCertificates!()) : undefined;
  // PAC files are fetched directly, trusting Node's roots and the system store.
  let pacFiles: PacFiles | null = null;
  const pac = () =>
    (pacFiles ??= createPacFiles({
      dispatcher: pool.forDecision(
        { kind: 'direct', proxy: null, source: 'config', reason: 'PAC' },
        buildTrust({ caFiles: [], env: host.env, systemCertificates }),
        {},
      ),
      now,
    }));

  return {
    host,
    forDestination(destination, global) {
      let trust: Trust | null = null;
      const getTrust = () =>
        (trust ??= buildTrust({
          caFiles: [
            ...(destination.caFile
              ? [{ file: destination.caFile, setting: `destination ${destination.name}'s caFile` }]
              : []),
            ...(global.caFile ? [{ file: global.caFile, setting: 'caFile' }] : []),
          ],
          env: host.env,
          systemCertificates,
        }));
      const decisions = new Map<string, { at: number; decision: Promise<ProxyDecision> }>();

      function decide(url: URL): Promise<ProxyDecision> {
        const origin = `${url.protocol}//${url.host}`;
        const hit = decisions.get(origin);
        if (hit && now() - hit.at < DECISION_TTL_MS) return hit.decision;
        const decision = decideProxy(url, {
          settings: [
            { setting: destination.proxy, where: `destination ${destination.name}'s proxy setting` },
            { setting: global.proxy, where: 'the proxy setting' },
          ],
          env: host.env,
          findProxyForUrl: (pacUrl, target) => pac().find(pacUrl, target),
          resolveSystemProxy: host.resolveSystemProxy,
        });
        decisions.set(origin, { at: now(), decision });
        decision.catch(() => decisions.delete(origin));
        return decision;
      }

      return {
        decide,
        trust: getTrust,
        async routeFor(url) {
          const decision = await decide(url);
          return { decision, dispatcher: pool.forDecision(decision, getTrust(), host.env) };
        },
      };
    },
    async close() {
      pacFiles?.close();
      await pool.close();
    },
  };
}

/** A config `proxy` (secrets already resolved by the settings store) in the decision's terms. */
export function resolvedProxySetting(setting: ProxySetting | undefined): ResolvedProxySetting | undefined {
  if (setting === undefined || setting === 'direct') return setting;
  if (typeof setting === 'string') return { url: setting };
  const credentials =
    setting.username !== undefined && setting.password !== undefined
      ? { username: setting.username, password: setting.password }
      : undefined;
  if ('url' in setting) return { url: setting.url, ...(credentials ? { credentials } : {}) };
  return { pac: setting.pac, ...(credentials ? { credentials } : {}) };
}

/** Passwords written into HTTP(S)_PROXY URLs, so logs and reports can be scrubbed of them. */
export function envProxySecrets(env: EnvLike): string[] {
  const values = readEnvProxy(env);
  const out: string[] = [];
  for (const v of [values.httpProxy, values.httpsProxy]) {
    if (!v) continue;
    try {
      const { credentials } = splitCredentials(
        /^[a-z][a-z0-9+.-]*:\/\//i.test(v.value) ? v.value : `http://${v.value}`,
      );
      if (credentials?.password) out.push(credentials.password);
    } catch {
      // Not a URL: undici will say so when it is used.
    }
  }
  return out;
}
