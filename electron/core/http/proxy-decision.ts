// Which way a request to a URL leaves this machine, and why. One decision shape for both hosts:
// the headless host decides from its config and the environment, the desktop shell adds what the
// OS reports (Electron's resolveProxy, which covers WPAD/PAC and the system settings). The
// reasons are kept so the network doctor and error messages can say where a proxy came from.
//
// Precedence: the destination's `proxy`, then the global `proxy`, then the system (desktop),
// then HTTPS_PROXY / HTTP_PROXY / NO_PROXY, then direct.

export type ProxySource = 'config' | 'pac' | 'system' | 'env' | 'default';

export interface ProxyCredentials {
  username: string;
  password: string;
}

export interface ProxyDecision {
  kind: 'direct' | 'proxy';
  /** The proxy's URL without credentials, e.g. http://proxy.corp:3128. */
  proxy: string | null;
  source: ProxySource;
  /** Where the decision came from, in words: "HTTPS_PROXY", "NO_PROXY entry .corp", … */
  reason: string;
  /** Never shown or logged; only handed to the proxy agent. */
  credentials?: ProxyCredentials;
}

/** A config `proxy` with its secrets resolved. */
export type ResolvedProxySetting =
  | 'direct'
  | { url: string; credentials?: ProxyCredentials }
  | { pac: string; credentials?: ProxyCredentials };

export type EnvLike = Record<string, string | undefined>;

export interface EnvProxyValues {
  httpProxy: { value: string; name: string } | null;
  httpsProxy: { value: string; name: string } | null;
  noProxy: { value: string; name: string } | null;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Lower case wins over upper case, as curl and undici read them. Empty counts as unset. */
function pick(env: EnvLike, lower: string): { value: string; name: string } | null {
  for (const name of [lower, lower.toUpperCase()]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { value: value.trim(), name };
  }
  return null;
}

export function readEnvProxy(env: EnvLike): EnvProxyValues {
  return { httpProxy: pick(env, 'http_proxy'), httpsProxy: pick(env, 'https_proxy'), noProxy: pick(env, 'no_proxy') };
}

interface NoProxyEntry {
  hostname: string;
  port: number;
  raw: string;
}

/**
 * NO_PROXY as undici's EnvHttpProxyAgent reads it (it routes the env case, so the two must agree):
 * entries split on commas or spaces; `*` alone bypasses everything; a leading `.` or `*.` is
 * dropped and an entry matches the host and its subdomains; `host:port` only that port.
 */
export function parseNoProxy(value: string): { all: boolean; entries: NoProxyEntry[] } {
  const entries: NoProxyEntry[] = [];
  for (const raw of value.split(/[,\s]/)) {
    if (!raw) continue;
    const parsed = /^(.+):(\d+)$/.exec(raw);
    entries.push({
      hostname: (parsed ? parsed[1]! : raw).replace(/^\*?\./, '').toLowerCase(),
      port: parsed ? Number.parseInt(parsed[2]!, 10) : 0,
      raw,
    });
  }
  return { all: value === '*', entries };
}

/** The NO_PROXY entry that bypasses the proxy for this URL, or null. */
export function noProxyMatch(url: URL, noProxy: string): string | null {
  const { all, entries } = parseNoProxy(noProxy);
  if (entries.length === 0) return null;
  if (all) return '*';
  // url.host keeps the brackets of an IPv6 address; strip the port only.
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  for (const entry of entries) {
    if (entry.port && entry.port !== port) continue;
    if (hostname === entry.hostname || hostname.endsWith(`.${entry.hostname}`)) return entry.raw;
  }
  return null;
}

export function decideFromEnv(url: URL, env: EnvLike): ProxyDecision {
  const values = readEnvProxy(env);
  const chosen = url.protocol === 'https:' ? (values.httpsProxy ?? values.httpProxy) : values.httpProxy;
  if (!chosen) {
    return { kind: 'direct', proxy: null, source: 'default', reason: 'no proxy is configured' };
  }
  const bypass = values.noProxy ? noProxyMatch(url, values.noProxy.value) : null;
  if (bypass !== null) {
    return { kind: 'direct', proxy: null, source: 'env', reason: `${values.noProxy!.name} entry "${bypass}"` };
  }
  const { proxy, credentials } = splitCredentials(withScheme(chosen.value));
  return { kind: 'proxy', proxy, source: 'env', reason: chosen.name, ...(credentials ? { credentials } : {}) };
}

/** "proxy:3128" as people write it in HTTP_PROXY means http://proxy:3128. */
function withScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

/** Takes user:password out of a proxy URL, so the URL can be shown and the secret cannot. */
export function splitCredentials(value: string): { proxy: string; credentials?: ProxyCredentials } {
  const url = new URL(value);
  const credentials =
    url.username || url.password
      ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : undefined;
  url.username = '';
  url.password = '';
  const proxy = url.origin === 'null' ? url.toString() : `${url.protocol}//${url.host}`;
  return credentials ? { proxy, credentials } : { proxy };
}

/**
 * A PAC or system answer ("PROXY host:port; HTTPS host:port; SOCKS5 host:port; DIRECT") as a
 * decision. The first entry is used; its alternatives are listed in the reason.
 */
export function decideFromPacResult(
  result: string,
  source: 'pac' | 'system',
  where: string,
  credentials?: ProxyCredentials,
): ProxyDecision {
  const entries = result
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean);
  const first = entries[0] ?? 'DIRECT';
  const said = entries.length > 1 ? `${where} said "${entries.join('; ')}"` : `${where} said "${first}"`;
  const match = /^(PROXY|HTTPS|SOCKS5?|SOCKS4|DIRECT)(?:\s+(\S+))?$/i.exec(first);
  if (!match || match[1]!.toUpperCase() === 'DIRECT' || !match[2]) {
    return { kind: 'direct', proxy: null, source, reason: said };
  }
  const type = match[1]!.toUpperCase();
  const scheme = type === 'HTTPS' ? 'https' : type.startsWith('SOCKS') ? 'socks5' : 'http';
  const proxy = `${scheme}://${match[2]}`;
  return { kind: 'proxy', proxy, source, reason: said, ...(credentials ? { credentials } : {}) };
}

export interface DecideOptions {
  /** The destination's own setting, then the global one; the first present wins. */
  settings: Array<{ setting: ResolvedProxySetting | undefined; where: string }>;
  env: EnvLike;
  /** PAC evaluation for a `{pac}` setting: the FindProxyForURL answer. */
  findProxyForUrl?: (pacUrl: string, url: URL) => Promise<string>;
  /** Desktop: the OS's answer for this URL (Electron session.resolveProxy). */
  resolveSystemProxy?: (url: string) => Promise<string>;
}

export async function decideProxy(url: URL, options: DecideOptions): Promise<ProxyDecision> {
  for (const { setting, where } of options.settings) {
    if (setting === undefined) continue;
    if (setting === 'direct') return { kind: 'direct', proxy: null, source: 'config', reason: `${where} is "direct"` };
    if ('url' in setting) {
      const { proxy } = splitCredentials(setting.url);
      return {
        kind: 'proxy',
        proxy,
        source: 'config',
        reason: where,
        ...(setting.credentials ? { credentials: setting.credentials } : {}),
      };
    }
    if (!options.findProxyForUrl) throw new Error('PAC files are not supported by this host');
    const answer = await options.findProxyForUrl(setting.pac, url);
    return decideFromPacResult(answer, 'pac', `the PAC file ${setting.pac} (${where})`, setting.credentials);
  }
  if (options.resolveSystemProxy) {
    const answer = await options.resolveSystemProxy(url.toString());
    return decideFromPacResult(answer, 'system', "the system's proxy settings");
  }
  return decideFromEnv(url, options.env);
}

/** The decision without its secrets, for reports and logs. */
export function publicDecision(
  decision: ProxyDecision,
): Omit<ProxyDecision, 'credentials'> & { withCredentials: boolean } {
  const { credentials, ...rest } = decision;
  return { ...rest, withCredentials: credentials !== undefined };
}

/** One line for messages: "through the proxy http://p:3128 (from HTTPS_PROXY)" or "directly". */
export function describeDecision(decision: ProxyDecision): string {
  if (decision.kind === 'direct') return decision.source === 'default' ? 'directly' : `directly (${decision.reason})`;
  return `through the proxy ${decision.proxy} (from ${decision.reason})`;
}
