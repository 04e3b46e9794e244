// Failures of the way to a server said as what they are: a certificate this computer does not
// trust (and who issued it), a proxy that is down or wants credentials, a PAC file that cannot
// be read. They are transient and "unreachable" for the engine (the destination's queue sleeps
// and probes instead of failing every job), but the words name the cause and the fix.
import { TransientError } from '../delivery-errors.js';
import type { ProxyDecision } from './proxy-decision.js';
import type { TlsInspection } from './tls-probe.js';
import type { ChainCertificate } from './trust-store.js';

const TRUST_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'INVALID_CA',
  'CERT_CHAIN_TOO_LONG',
]);
const DATE_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const NAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

/**
 * The way to the server is the problem (certificate, proxy, PAC file), not the server: retried
 * like any transient failure and "unreachable" for the engine's probing, but reported in its own
 * words, never as "cannot reach".
 */
export class NetworkPathError extends TransientError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { unreachable: true, cause: options.cause });
  }
}

export type CertificateProblem = 'untrusted' | 'expired' | 'not-yet-valid' | 'wrong-host' | 'handshake';

export function certificateProblem(code: string | null): CertificateProblem | null {
  if (!code) return null;
  if (TRUST_CODES.has(code)) return 'untrusted';
  if (code === 'CERT_HAS_EXPIRED') return 'expired';
  if (DATE_CODES.has(code)) return 'not-yet-valid';
  if (NAME_CODES.has(code)) return 'wrong-host';
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'handshake';
  return null;
}

/** Who vouches for the chain: the issuer of its last certificate (the root, or the missing one). */
export function chainIssuer(chain: ChainCertificate[]): string | null {
  const top = chain.at(-1);
  if (!top) return null;
  return top.issuer || top.subject || null;
}

export function describeCertificateProblem(
  host: string,
  problem: CertificateProblem,
  code: string,
  inspection: TlsInspection | null,
): string {
  const chain = inspection?.chain ?? [];
  const leaf = chain[0];
  switch (problem) {
    case 'untrusted': {
      const issuer = chainIssuer(chain);
      return issuer
        ? `The certificate of ${host} was issued by '${issuer}', which this computer does not trust: ` +
            'add that CA certificate with caFile (or to the system store), then try again.'
        : `The certificate of ${host} is not trusted by this computer (${code}): ` +
            "add the issuing CA's certificate with caFile (or to the system store), then try again.";
    }
    case 'expired':
      return `The certificate of ${host} expired${leaf ? ` on ${leaf.validTo.slice(0, 10)}` : ''}: the platform (or the proxy inspecting TLS) must renew it.`;
    case 'not-yet-valid':
      return `The certificate of ${host} is not valid yet${leaf ? ` (from ${leaf.validFrom.slice(0, 10)})` : ''}: check this computer's clock.`;
    case 'wrong-host':
      return (
        `The certificate presented for ${host} is for ${leaf?.subject ? `'${leaf.subject}'` : 'another name'}: ` +
        'check the base URL; if a proxy inspects TLS, it must present a certificate for this host.'
      );
    case 'handshake':
      return `The secure connection to ${host} could not be set up (${code}): the server or a proxy in between does not speak TLS as expected.`;
  }
}

export type ProxyProblem = { kind: 'proxy-down'; code: string } | { kind: 'proxy-status'; status: number };

/** Errors raised before a connection existed: the request cannot have reached the server. */
export const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// A proxy that times out is as down as one that refuses; for a request, ETIMEDOUT may come after
// bytes left, so only the proxy check counts it.
const PROXY_DOWN_CODES = new Set([...CONNECT_CODES, 'ETIMEDOUT']);

/** What undici's proxy agents raise when the proxy itself is the problem. */
export function proxyProblem(
  decision: ProxyDecision | null,
  code: string | null,
  message: string,
): ProxyProblem | null {
  if (!decision || decision.kind !== 'proxy') return null;
  const status = /Proxy response \((\d{3})\)/.exec(message)?.[1] ?? (/\(407\)/.test(message) ? '407' : null);
  if (status) return { kind: 'proxy-status', status: Number(status) };
  // Through a proxy, a refused connection is the proxy's: the proxy reports the target's as a status.
  if (code && PROXY_DOWN_CODES.has(code)) return { kind: 'proxy-down', code };
  return null;
}

export function describeProxyProblem(decision: ProxyDecision, host: string, problem: ProxyProblem): string {
  const proxy = `the proxy ${decision.proxy} (from ${decision.reason})`;
  if (problem.kind === 'proxy-down') {
    return `Cannot reach ${proxy} (${problem.code}): check that the proxy is running and its address, or change the proxy setting.`;
  }
  if (problem.status === 407) {
    return decision.credentials
      ? `${capital(proxy)} refused its username and password (HTTP 407): check the proxy credentials in the config.`
      : `${capital(proxy)} asks for a username and password (HTTP 407): set "username" and "password" (env:NAME) in the proxy setting.`;
  }
  if (problem.status === 403) {
    return `${capital(proxy)} does not allow connections to ${host} (HTTP 403): ask for ${host} to be allowed, or use another proxy.`;
  }
  if (problem.status >= 500) {
    return `${capital(proxy)} could not reach ${host} (HTTP ${problem.status}): check the address, or the proxy's own connection.`;
  }
  return `${capital(proxy)} refused the connection to ${host} (HTTP ${problem.status}).`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
