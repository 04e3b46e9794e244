import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../../electron/core/logger.js';
import { HostStartError } from '../../../../electron/headless/serve/http-host.js';
import { startMetricsListener } from '../../../../electron/headless/serve/metrics-listener.js';

const scrape = async () => 'callrelay_up 1\n';

describe('--metrics-port listener', () => {
  it('serves only /metrics, without a token, on loopback', async () => {
    const listener = await startMetricsListener({ port: 0, scrape, logger: createSilentLogger() });
    try {
      expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(listener.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('callrelay_up 1\n');
      expect((await fetch(listener.url, { method: 'HEAD' })).status).toBe(200);
      expect((await fetch(listener.url.replace('/metrics', '/api/call/queue:list'))).status).toBe(404);
    } finally {
      await listener.close();
    }
  });

  it('refuses any address but loopback', async () => {
    await expect(
      startMetricsListener({ host: '0.0.0.0', port: 0, scrape, logger: createSilentLogger() }),
    ).rejects.toThrow(HostStartError);
  });
});
