// The shipped Prometheus rules, checked and unit-tested by the real promtool; the Grafana
// dashboard's expressions are run against a real Prometheus in test/integration/fleet-metrics.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { promtool } from '../../fixtures/prometheus.js';

const dir = path.resolve(import.meta.dirname, '..', '..', '..', 'resources', 'monitoring');

describe('shipped monitoring', () => {
  it('promtool accepts alerts.yml', () => {
    const run = promtool(['check', 'rules', path.join(dir, 'alerts.yml')]);
    expect(run.output).toContain('SUCCESS: 5 rules found');
    expect(run.status).toBe(0);
  });

  it('every alert fires on its synthetic series and only then (promtool test rules)', () => {
    const tests = fs.readFileSync(path.join(dir, 'alerts.test.yml'), 'utf8');
    for (const alert of [
      'CallRelayDestinationDown',
      'CallRelayOldestWaitingOverAnHour',
      'CallRelayReviewWaiting',
      'CallRelayNoDeliveries',
      'CallRelayStationNotReporting',
    ]) {
      expect(tests).toContain(`alertname: ${alert}`);
    }
    const run = promtool(['test', 'rules', path.join(dir, 'alerts.test.yml')]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('the dashboard is Grafana JSON with a station variable and an expression per panel', () => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(dir, 'grafana-dashboard.json'), 'utf8')) as {
      uid: string;
      templating: { list: { name: string }[] };
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('callrelay-fleet');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'station']);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const t of panel.targets) expect(t.expr, panel.title).toMatch(/callrelay_|process_/);
    }
  });
});
