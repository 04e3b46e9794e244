// From a proxy decision and a set of trusted roots to the undici dispatcher that carries the
// request. Agents are shared by every destination that needs the same one (connection reuse,
// no agent per request) and closed together with the core.
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';
import { readEnvProxy, type EnvLike, type ProxyDecision } from './proxy-decision.js';
import type { Trust } from './trust-store.js';

export interface DispatcherPool {
  forDecision(decision: ProxyDecision, trust: Trust, env: EnvLike): Dispatcher;
  close(): Promise<void>;
}

function withScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

export function createDispatcherPool(): DispatcherPool {
  const agents = new Map<string, Dispatcher>();
  const tlsOptions = (trust: Trust) => (trust.ca ? { ca: trust.ca } : {});

  function cached(key: string, make: () => Dispatcher): Dispatcher {
    let agent = agents.get(key);
    if (!agent) agents.set(key, (agent = make()));
    return agent;
  }

  return {
    forDecision(decision, trust, env) {
      const tls = tlsOptions(trust);
      // Plain http:// requests go to an HTTP proxy as ordinary proxy requests (what the proxy's
      // access rules and logs expect); https:// ones through a CONNECT tunnel, TLS end to end.
      const proxyOptions = { requestTls: tls, proxyTls: tls, proxyTunnel: false };
      if (decision.source === 'env' || decision.source === 'default') {
        // The environment case is routed by undici's own EnvHttpProxyAgent, given the values we
        // read (so an injected env is honoured and the decision we report is the one it takes).
        const values = readEnvProxy(env);
        const httpProxy = values.httpProxy ? withScheme(values.httpProxy.value) : '';
        const httpsProxy = values.httpsProxy ? withScheme(values.httpsProxy.value) : '';
        const noProxy = values.noProxy?.value ?? '';
        return cached(`env|${httpProxy}|${httpsProxy}|${noProxy}|${trust.key}`, () =>
          httpProxy || httpsProxy
            ? new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy, connect: tls, ...proxyOptions })
            : new Agent({ connect: tls }),
        );
      }
      if (decision.kind === 'direct' || !decision.proxy) {
        return cached(`direct|${trust.key}`, () => new Agent({ connect: tls }));
      }
      const credentials = decision.credentials;
      const token = credentials
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
        : undefined;
      // The key holds the token so two destinations with different proxy accounts never share.
      return cached(`proxy|${decision.proxy}|${token ?? ''}|${trust.key}`, () => {
        return new ProxyAgent({ uri: decision.proxy!, ...(token ? { token } : {}), ...proxyOptions });
      });
    },
    async close() {
      const all = [...agents.values()];
      agents.clear();
      await Promise.allSettled(all.map((a) => a.close()));
    },
  };
}
