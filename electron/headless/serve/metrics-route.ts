// `GET /metrics`: the station's metrics in the Prometheus text format, for the serve host (behind
// its token) and for the loopback-only `--metrics-port` listener.
import type http from 'node:http';
import type { Logger } from '../../core/logger.js';

/** The text exposition format Prometheus has read since 2014; every scraper accepts it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Scrape = () => Promise<string>;

export function serveMetrics(scrape: Scrape, req: http.IncomingMessage, res: http.ServerResponse, log: Logger): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Use GET.');
    return;
  }
  scrape()
    .then((text) => {
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    })
    .catch((error: unknown) => {
      log.error({ err: error }, 'metrics scrape failed');
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('The metrics could not be read.');
    });
}
