// The process defaults every Prometheus client library exposes under the same names, so existing
// node/process dashboards and alerts work on CallRelay too.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';

export function registerProcessGauges(meter: Meter): () => void {
  const startSeconds = Math.round((Date.now() - performance.now()) / 1000);
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();

  meter
    .createObservableCounter('process_cpu_seconds', { description: 'Total user and system CPU time spent in seconds.' })
    .addCallback((r) => {
      const cpu = process.cpuUsage();
      r.observe((cpu.user + cpu.system) / 1e6);
    });
  meter
    .createObservableGauge('process_resident_memory_bytes', { description: 'Resident memory size in bytes.' })
    .addCallback((r) => r.observe(process.memoryUsage.rss()));
  meter
    .createObservableGauge('process_start_time_seconds', {
      description: 'Start time of the process since unix epoch in seconds.',
    })
    .addCallback((r) => r.observe(startSeconds));
  meter
    .createObservableGauge('nodejs_heap_size_used_bytes', {
      description: 'Process heap size used from Node.js in bytes.',
    })
    .addCallback((r) => r.observe(process.memoryUsage().heapUsed));
  meter
    .createObservableGauge('nodejs_eventloop_lag_p99_seconds', {
      description: 'The 99th percentile of the event loop delay since the previous collection, in seconds.',
    })
    .addCallback((r) => {
      r.observe(loop.count > 0 ? loop.percentile(99) / 1e9 : 0);
      loop.reset();
    });
  return () => loop.disable();
}
