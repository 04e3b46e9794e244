// `--metrics-port`: a second listener that serves only /metrics, for an agent on the same machine.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/logger.js';
import { HostStartError, isLoopback } from './http-host.js';
import { serveMetrics, type Scrape } from './metrics-route.js';

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/**
 * A listener that serves only /metrics, for an agent on the same machine. Loopback only, so it
 * needs no token: the metrics carry no secret and no call details, only counts.
 */
export async function startMetricsListener(options: {
  host?: string;
  port: number;
  scrape: Scrape;
  logger: Logger;
}): Promise<MetricsListener> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new HostStartError(
      `--metrics-port listens on loopback only (not ${host}); for Prometheus on another machine, scrape ` +
        '/metrics on the main port with the token.',
    );
  }
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://host');
    if (pathname === '/metrics') serveMetrics(options.scrape, req, res, options.logger);
    else res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only /metrics is served here.');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
