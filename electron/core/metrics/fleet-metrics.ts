// The metrics of one station, exposed two ways from one set of instruments (OpenTelemetry SDK):
// pulled as Prometheus text (`GET /metrics`) and, when the config has a `telemetry.otlp`
// collector, pushed by OTLP/HTTP for workstations that no Prometheus can reach (NAT, VPN).
// The station's name is a resource attribute: `target_info` in the exposition, the resource of
// every pushed batch.
import { hostname } from 'node:os';
import { ExportResultCode } from '@opentelemetry/core';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  type MetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { TelemetryConfig } from '../../../shared/config.js';
import type { Logger } from '../logger.js';
import {
  registerCallRelayInstruments,
  type CallRelayInstruments,
  type MetricSources,
} from './callrelay-instruments.js';
import type { DeliveryObserver } from './delivery-observer.js';
import { registerProcessGauges } from './process-gauges.js';

export interface FleetMetricsOptions {
  sources: MetricSources;
  version: string;
  telemetry?: TelemetryConfig;
  logger: Logger;
}

export interface FleetMetrics {
  /** Hand this to the engine. */
  observer: DeliveryObserver;
  /** The Prometheus text exposition of every metric, read now. */
  scrape(): Promise<string>;
  /** Applies a changed `telemetry` block: starts, stops or redirects the push. */
  configure(telemetry: TelemetryConfig | undefined): Promise<void>;
  /** Pushes what is pending (if pushing) and stops. */
  close(): Promise<void>;
}

/** The station name used when the config gives none: the host name, made label-safe. */
export function defaultStation(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 63) || 'station'
  );
}

/** `http://collector:4318` → `http://collector:4318/v1/metrics`; a full /v1/metrics URL is kept. */
export function otlpMetricsUrl(base: string): string {
  const url = new URL(base);
  if (!url.pathname.endsWith('/v1/metrics')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/metrics`;
  return url.toString();
}

/** Logs a failing push once when it starts failing and once when it works again, not every interval. */
function loggingExporter(inner: PushMetricExporter, url: string, log: Logger): PushMetricExporter {
  let failing = false;
  return {
    export(metrics: ResourceMetrics, done) {
      inner.export(metrics, (result) => {
        if (result.code !== ExportResultCode.SUCCESS && !failing) {
          failing = true;
          log.warn(
            { url, err: result.error },
            'metrics push to the collector failed; it is tried again at each interval',
          );
        } else if (result.code === ExportResultCode.SUCCESS && failing) {
          failing = false;
          log.info({ url }, 'metrics push to the collector works again');
        }
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    selectAggregationTemporality: inner.selectAggregationTemporality?.bind(inner),
  };
}

interface Pipeline {
  key: string;
  provider: MeterProvider;
  prometheus: PrometheusExporter;
  instruments: CallRelayInstruments;
  stopProcessGauges(): void;
}

export function createFleetMetrics(options: FleetMetricsOptions): FleetMetrics {
  const log = options.logger.child({ module: 'metrics' });
  // Every series carries `station` (so one Prometheus over many stations can group by it with no
  // relabelling); the scope labels OpenTelemetry adds by default are left out as noise.
  const serializer = new PrometheusSerializer(undefined, false, /^station$/, false, true);

  function build(telemetry: TelemetryConfig | undefined): Pipeline {
    const station = telemetry?.station ?? defaultStation();
    const prometheus = new PrometheusExporter({ preventServerStart: true });
    const readers: MetricReader[] = [prometheus];
    if (telemetry?.otlp) {
      const url = otlpMetricsUrl(telemetry.otlp);
      const intervalMs = telemetry.intervalSec * 1000;
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: loggingExporter(new OTLPMetricExporter({ url, timeoutMillis: 10_000 }), url, log),
          exportIntervalMillis: intervalMs,
          exportTimeoutMillis: Math.min(intervalMs, 10_000),
        }),
      );
      log.info({ url, station, intervalSec: telemetry.intervalSec }, 'pushing metrics to the collector');
    }
    const provider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': 'callrelay',
        'service.version': options.version,
        'service.instance.id': station,
        'host.name': hostname(),
        station,
      }),
      readers,
    });
    const meter = provider.getMeter('callrelay', options.version);
    const instruments = registerCallRelayInstruments(meter, options.sources, options.version);
    const stopProcessGauges = registerProcessGauges(meter);
    for (const d of options.sources.destinations()) instruments.knowDestination(d.name);
    return { key: JSON.stringify(telemetry ?? null), provider, prometheus, instruments, stopProcessGauges };
  }

  let pipeline = build(options.telemetry);

  /** Ends a pipeline with a last push; a collector that does not answer holds it 3 s at most. */
  async function shutdown(p: Pipeline): Promise<void> {
    p.stopProcessGauges();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        p.provider.shutdown(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 3000);
          timer.unref();
        }),
      ]);
    } catch (error) {
      log.warn({ err: error }, 'metrics shut down with an error');
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    observer: {
      bytesSent: (destination, bytes) => pipeline.instruments.observer.bytesSent(destination, bytes),
      delivered: (job) => pipeline.instruments.observer.delivered(job),
      attemptFailed: (destination, error, decision, attempt) =>
        pipeline.instruments.observer.attemptFailed(destination, error, decision, attempt),
    },
    async scrape() {
      const { resourceMetrics, errors } = await pipeline.prometheus.collect();
      for (const error of errors) log.warn({ err: error }, 'a metric could not be read');
      return serializer.serialize(resourceMetrics);
    },
    async configure(telemetry) {
      const key = JSON.stringify(telemetry ?? null);
      if (key === pipeline.key) return;
      // The resource (station) is fixed per provider: a new one starts the counters again, as a
      // restart would; Prometheus' rate() and increase() treat that as a counter reset.
      // Saving the settings does not wait for the old pipeline's last push.
      const old = pipeline;
      pipeline = build(telemetry);
      void shutdown(old);
    },
    close: () => shutdown(pipeline),
  };
}
