// What the desktop knows about the network and the core cannot ask for itself: the proxy the OS
// would use for a URL (Chromium's resolver: system settings, WPAD, PAC) and the OS trust store
// (Keychain, Windows store), so the core's requests go where the browser's go and trust what it
// trusts (electron#11741: Chromium trusts the Windows store, Node's TLS alone does not).
import type { Logger } from '../core/logger.js';

export interface SystemNetworkDeps {
  /** Electron's session.defaultSession (only resolveProxy is used). */
  session: { resolveProxy(url: string): Promise<string> };
  /** node:tls of Electron's Node; getCACertificates('system') reads the OS store (Node ≥ 22.15). */
  tls: { getCACertificates?: (type: 'system') => readonly string[] };
  logger: Pick<Logger, 'warn' | 'info'>;
  /** The OS resolver is local but can be slow (WPAD discovery); never wait longer than this. */
  timeoutMs?: number;
}

export interface SystemNetwork {
  resolveProxy(url: string): Promise<string>;
  systemCertificates(): string[];
}

export function createSystemNetwork(deps: SystemNetworkDeps): SystemNetwork {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  return {
    async resolveProxy(url) {
      // Only the origin: a presigned upload URL's query holds a signature that no PAC script needs.
      const { origin } = new URL(url);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`the system's proxy settings gave no answer for ${origin} within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      });
      try {
        return await Promise.race([deps.session.resolveProxy(`${origin}/`), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    systemCertificates() {
      if (typeof deps.tls.getCACertificates !== 'function') {
        deps.logger.warn(
          "this Electron's Node cannot read the system trust store; only Node's roots and caFile are trusted",
        );
        return [];
      }
      try {
        const pems = [...deps.tls.getCACertificates('system')];
        deps.logger.info({ certificates: pems.length }, 'system trust store read');
        return pems;
      } catch (error) {
        deps.logger.warn({ err: error }, 'the system trust store could not be read');
        return [];
      }
    },
  };
}
