// The network doctor: for one destination, each step a request takes — proxy decision, DNS,
// TCP, the proxy's CONNECT tunnel, TLS, an authenticated request — with its time, stopping at
// the first that fails and saying what it means. Nothing here carries a secret: decisions are
// reported without credentials, and the request step is the destination's own connection test.
import { isIP } from 'node:net';
import {
  networkStepLabels,
  type ConnectionTest,
  type NetworkDiagnosis,
  type NetworkStep,
} from '../../../shared/contract.js';
import type { NetworkRoute } from './network.js';
import { certificateProblem, describeCertificateProblem, describeProxyProblem } from './network-errors.js';
import { describeDecision, publicDecision, type ProxyDecision } from './proxy-decision.js';
import { connectTcp, inspectTls, lookupHost, openTunnel, ProbeError, type TlsInspection } from './tls-probe.js';
import { trustedBy } from './trust-store.js';

export interface DiagnoseTarget {
  name: string;
  baseUrl: string;
  route: NetworkRoute;
  testConnection(signal: AbortSignal): Promise<ConnectionTest>;
}

export async function diagnoseDestination(
  target: DiagnoseTarget,
  options: { now?: () => number; timeoutMs?: number } = {},
): Promise<NetworkDiagnosis> {
  const now = options.now ?? (() => performance.now());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = new URL(target.baseUrl);
  const https = url.protocol === 'https:';
  const port = Number(url.port) || (https ? 443 : 80);
  const steps: NetworkStep[] = [];
  let failed = false;
  let decision: ProxyDecision | null = null;
  let inspection: TlsInspection | null = null;
  let tlsReport: NetworkDiagnosis['tls'] = null;

  async function step(
    name: NetworkStep['step'],
    run: () => Promise<{ ok: boolean; detail: string } | { skip: string }>,
  ): Promise<void> {
    if (failed) {
      steps.push({ step: name, status: 'skipped', ms: null, detail: 'not tried: an earlier step failed' });
      return;
    }
    const started = now();
    try {
      const result = await run();
      const ms = Math.round((now() - started) * 10) / 10;
      if ('skip' in result) {
        steps.push({ step: name, status: 'skipped', ms: null, detail: result.skip });
        return;
      }
      steps.push({ step: name, status: result.ok ? 'ok' : 'failed', ms, detail: result.detail });
      if (!result.ok) failed = true;
    } catch (error) {
      steps.push({
        step: name,
        status: 'failed',
        ms: Math.round((now() - started) * 10) / 10,
        detail: (error as Error).message,
      });
      failed = true;
    }
  }

  await step('proxy', async () => {
    decision = await target.route.decide(url);
    return { ok: true, detail: `${url.host} is reached ${describeDecision(decision)}` };
  });
  const d = (): ProxyDecision | null => decision;
  const viaProxy = () => d()?.kind === 'proxy' && d()!.proxy !== null;
  const proxyUrl = () => new URL(d()!.proxy!);
  const connectHost = () => (viaProxy() ? proxyUrl().hostname : url.hostname);
  const connectPort = () => (viaProxy() ? Number(proxyUrl().port) || 80 : port);

  await step('dns', async () => {
    const host = connectHost();
    if (isIP(host.replace(/^\[|\]$/g, ''))) return { ok: true, detail: `${host} is an IP address: no lookup needed` };
    try {
      const addresses = await lookupHost(host);
      return { ok: true, detail: `${host} is ${addresses.slice(0, 3).join(', ')}` };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      const what = viaProxy() ? `the proxy's name ${host}` : host;
      return {
        ok: false,
        detail: `This computer cannot find ${what} (${code}): check the address and the DNS settings.`,
      };
    }
  });

  let socket: Awaited<ReturnType<typeof connectTcp>> | undefined;
  try {
    await step('tcp', async () => {
      const host = connectHost();
      try {
        socket = await connectTcp(host, connectPort(), timeoutMs);
        return { ok: true, detail: `connected to ${viaProxy() ? 'the proxy ' : ''}${host}:${connectPort()}` };
      } catch (error) {
        const code = error instanceof ProbeError ? (error.code ?? error.message) : String(error);
        if (viaProxy()) {
          return { ok: false, detail: describeProxyProblem(d()!, url.host, { kind: 'proxy-down', code }) };
        }
        return {
          ok: false,
          detail:
            `Cannot connect to ${host}:${connectPort()} (${code}): the server is down or a firewall blocks it` +
            '; behind a mandatory proxy, set HTTPS_PROXY or the proxy setting.',
        };
      }
    });

    await step('tunnel', async () => {
      if (!viaProxy()) return { skip: 'no proxy' };
      if (!https) return { skip: 'plain HTTP is forwarded by the proxy, no tunnel' };
      if (proxyUrl().protocol !== 'http:') return { skip: `the doctor cannot open ${proxyUrl().protocol} tunnels` };
      const creds = d()!.credentials;
      const auth = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
      const status = await openTunnel(socket!, `${url.hostname}:${port}`, auth, timeoutMs);
      if (status === 200) return { ok: true, detail: `the proxy opened a tunnel to ${url.hostname}:${port}` };
      return { ok: false, detail: describeProxyProblem(d()!, url.host, { kind: 'proxy-status', status }) };
    });

    await step('tls', async () => {
      if (!https) return { skip: 'plain HTTP: no certificate (the base URL is http://)' };
      if (viaProxy() && proxyUrl().protocol !== 'http:') return { skip: 'not checked through this kind of proxy' };
      const trust = target.route.trust();
      inspection = await inspectTls({
        host: url.hostname,
        port,
        socket: viaProxy() ? socket : undefined,
        ca: trust.ca,
        timeoutMs,
      });
      if (!viaProxy()) socket?.destroy();
      const leaf = inspection.chain[0];
      const by = inspection.authorized ? trustedBy(trust, inspection.chain) : null;
      tlsReport = leaf
        ? {
            subject: leaf.subject,
            issuer: leaf.issuer,
            validTo: leaf.validTo,
            trustedBy: inspection.authorized ? (by ?? 'the trusted roots') : null,
            protocol: inspection.protocol,
          }
        : null;
      if (inspection.authorized && leaf) {
        return {
          ok: true,
          detail: `${leaf.subject} issued by '${leaf.issuer}', valid until ${leaf.validTo.slice(0, 10)}, trusted by ${by ?? 'the trusted roots'}`,
        };
      }
      const code = inspection.error ?? 'UNKNOWN';
      return {
        ok: false,
        detail: describeCertificateProblem(url.host, certificateProblem(code) ?? 'untrusted', code, inspection),
      };
    });
  } finally {
    socket?.destroy();
  }

  await step('request', async () => {
    const result = await target.testConnection(AbortSignal.timeout(timeoutMs * 2));
    return { ok: result.status === 'ok', detail: result.message };
  });

  const first = steps.find((s) => s.status === 'failed');
  return {
    destination: target.name,
    url: `${url.protocol}//${url.host}${url.pathname}`,
    proxy: decision ? publicDecision(decision) : null,
    tls: tlsReport,
    steps,
    ok: !first,
    firstFailure: first ? `${networkStepLabels[first.step]}: ${first.detail}` : null,
  };
}
