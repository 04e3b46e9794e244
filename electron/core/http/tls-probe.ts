// Low-level steps of a connection, one at a time, for the network doctor and for naming the
// certificate behind a TLS failure: DNS, TCP, a CONNECT tunnel through an HTTP proxy, and a TLS
// handshake that reads the server's certificate chain. The handshake here sends no request: it
// reports what the server presented and whether our roots trust it, then closes.
import dns from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { ChainCertificate } from './trust-store.js';

export class ProbeError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

export async function lookupHost(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) return [bare];
  const answers = await dns.lookup(bare, { all: true });
  return answers.map((a) => a.address);
}

export function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProbeError(`no connection within ${Math.round(timeoutMs / 1000)} s`, 'ETIMEDOUT'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new ProbeError(error.message, codeOf(error)));
    });
  });
}

/** Asks an HTTP proxy (over `socket`) for a tunnel to host:port; resolves with the status line's code. */
export function openTunnel(
  socket: net.Socket,
  target: string,
  proxyAuthorization: string | undefined,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let head = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new ProbeError(`the proxy did not answer CONNECT within ${Math.round(timeoutMs / 1000)} s`, 'ETIMEDOUT'));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      cleanup();
      const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head)?.[1] ?? 0);
      // Anything after the blank line belongs to the tunnel; a proxy sends nothing before TLS.
      resolve(status);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ProbeError(error.message, codeOf(error)));
    };
    const onClose = () => {
      cleanup();
      reject(new ProbeError('the proxy closed the connection without answering CONNECT', 'ECONNRESET'));
    };
    function cleanup() {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    }
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(
      `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n` +
        (proxyAuthorization ? `Proxy-Authorization: ${proxyAuthorization}\r\n` : '') +
        '\r\n',
    );
  });
}

export interface TlsInspection {
  /** True when our roots trust the chain and it names the host: what a request would accept. */
  authorized: boolean;
  /** OpenSSL's reason when not authorized, e.g. UNABLE_TO_GET_ISSUER_CERT_LOCALLY. */
  error: string | null;
  protocol: string | null;
  chain: ChainCertificate[];
}

function oneLine(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return '';
  const cn = name.CN;
  const o = name.O;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return [first(cn), first(o) && first(o) !== first(cn) ? first(o) : undefined].filter(Boolean).join(', ');
}

function distinguishedIssuer(raw: Buffer | undefined): string {
  try {
    return raw ? new X509Certificate(raw).issuer : '';
  } catch {
    return '';
  }
}

/**
 * TLS handshake with the roots `ca` (undefined: Node's defaults). Verification is done exactly as
 * for a request; the connection is only used to read the outcome and is closed at once.
 */
export function inspectTls(options: {
  host: string;
  port: number;
  socket?: net.Socket;
  ca: string[] | undefined;
  timeoutMs: number;
}): Promise<TlsInspection> {
  return new Promise((resolve, reject) => {
    const servername = net.isIP(options.host.replace(/^\[|\]$/g, '')) ? undefined : options.host;
    // rejectUnauthorized is off only so the presented chain can be read and reported; nothing is
    // sent on this connection, and `authorized` below is Node's own verdict with our roots.
    const socket = tls.connect({
      host: options.host.replace(/^\[|\]$/g, ''),
      port: options.port,
      ...(options.socket ? { socket: options.socket } : {}),
      ...(servername ? { servername } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProbeError(`no TLS handshake within ${Math.round(options.timeoutMs / 1000)} s`, 'ETIMEDOUT'));
    }, options.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const chain: ChainCertificate[] = [];
      const seen = new Set<string>();
      let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        chain.push({
          subject: oneLine(cert.subject as unknown as Record<string, string>),
          issuer: oneLine(cert.issuer as unknown as Record<string, string>),
          validFrom: new Date(cert.valid_from).toISOString(),
          validTo: new Date(cert.valid_to).toISOString(),
          fingerprint256: cert.fingerprint256,
          issuerDn: distinguishedIssuer(cert.raw),
        });
        cert = cert.issuerCertificate;
      }
      const error = socket.authorized ? null : String(socket.authorizationError ?? 'not trusted');
      const protocol = socket.getProtocol();
      socket.destroy();
      resolve({ authorized: socket.authorized, error, protocol, chain });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ProbeError(error.message, codeOf(error)));
    });
  });
}

export interface InspectRoute {
  /** "direct", or the proxy URL (http:// only: the doctor cannot tunnel through others). */
  proxy: string | null;
  proxyAuthorization?: string;
  ca: string[] | undefined;
}

/** The certificate chain `url`'s server presents along this route, or null when it cannot be read. */
export async function inspectCertificate(
  url: URL,
  route: InspectRoute,
  timeoutMs = 5000,
): Promise<TlsInspection | null> {
  const port = Number(url.port) || 443;
  let socket: net.Socket | undefined;
  try {
    if (route.proxy) {
      const proxy = new URL(route.proxy);
      if (proxy.protocol !== 'http:') return null;
      socket = await connectTcp(proxy.hostname, Number(proxy.port) || 80, timeoutMs);
      const status = await openTunnel(socket, `${url.hostname}:${port}`, route.proxyAuthorization, timeoutMs);
      if (status !== 200) return null;
    }
    return await inspectTls({ host: url.hostname, port, socket, ca: route.ca, timeoutMs });
  } catch {
    return null;
  } finally {
    socket?.destroy();
  }
}
