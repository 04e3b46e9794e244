// Which certificate authorities the core's HTTPS requests trust. Node's bundled roots always;
// NODE_EXTRA_CA_CERTS as Node reads it; a config `caFile` (global and per destination) for a
// company's TLS-inspection root; and on the desktop the OS store the shell hands in. There is no
// way to turn verification off: a root that is not here must be added, not the check removed.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import type { EnvLike } from './proxy-decision.js';

export class TrustFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustFileError';
  }
}

export interface TrustSource {
  /** "Node's bundled roots", "NODE_EXTRA_CA_CERTS (/etc/corp.pem)", "caFile (…)", "the system store". */
  label: string;
  pems: string[];
}

export interface Trust {
  /** For tls `ca`: undefined leaves Node's defaults (bundled roots + NODE_EXTRA_CA_CERTS). */
  ca: string[] | undefined;
  sources: TrustSource[];
  /** Identifies the set, so agents can be shared by destinations that trust the same roots. */
  key: string;
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM file; errors name the file, the setting and the fix. */
export function readPemFile(file: string, setting: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TrustFileError(
      `${setting}: cannot read ${file} (${code ?? (error as Error).message}); give the path of a PEM file with the certificate(s) to trust.`,
    );
  }
  const pems = text.match(PEM) ?? [];
  if (pems.length === 0) {
    throw new TrustFileError(
      `${setting}: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA certificate as PEM (Base-64), not DER.`,
    );
  }
  for (const pem of pems) {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new TrustFileError(`${setting}: ${file} holds a damaged certificate (${(error as Error).message}).`);
    }
  }
  return pems;
}

export interface TrustOptions {
  /** caFile settings in the order they apply, e.g. the destination's then the global one. */
  caFiles: Array<{ file: string; setting: string }>;
  env: EnvLike;
  /** Desktop: the OS trust store (Keychain, Windows store) as PEM strings. */
  systemCertificates?: () => string[];
}

export function buildTrust(options: TrustOptions): Trust {
  const sources: TrustSource[] = [{ label: "Node's bundled roots", pems: [...tls.rootCertificates] }];
  const extra = options.env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      sources.push({ label: `NODE_EXTRA_CA_CERTS (${extra})`, pems: readPemFile(extra, 'NODE_EXTRA_CA_CERTS') });
    } catch {
      // Node itself warns about an unreadable NODE_EXTRA_CA_CERTS at start and goes on without it.
    }
  }
  let own = false;
  if (options.systemCertificates) {
    const pems = options.systemCertificates();
    if (pems.length > 0) {
      sources.push({ label: 'the system store', pems });
      own = true;
    }
  }
  for (const { file, setting } of options.caFiles) {
    sources.push({ label: `${setting} (${file})`, pems: readPemFile(file, setting) });
    own = true;
  }
  // Node's defaults already hold the bundled roots and NODE_EXTRA_CA_CERTS; an explicit `ca`
  // replaces them, so it must list them again.
  const ca = own ? [...new Set(sources.flatMap((s) => s.pems))] : undefined;
  const key = own ? sources.map((s) => `${s.label}:${s.pems.length}`).join('|') : 'node-default';
  return { ca, sources, key };
}

export interface ChainCertificate {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  /** The issuer as X509Certificate writes names ("CN=…\nO=…"), to match store certificates. */
  issuerDn: string;
}

/** The first source (in the order above) that holds a certificate of the chain. */
export function trustedBy(trust: Trust, chain: ChainCertificate[]): string | null {
  const wanted = new Set(chain.map((c) => c.fingerprint256.toUpperCase()));
  // When the server does not send its root, the anchor is whoever issued the last one it sent.
  const topIssuer = chain.at(-1)?.issuerDn;
  let byName: string | null = null;
  for (const source of trust.sources) {
    for (const pem of source.pems) {
      try {
        const cert = new X509Certificate(pem);
        if (wanted.has(cert.fingerprint256.toUpperCase())) return source.label;
        if (byName === null && topIssuer && cert.subject === topIssuer) byName = source.label;
      } catch {
        // A damaged entry in a system store is skipped, as OpenSSL skips it.
      }
    }
  }
  return byName;
}
