// CallRelay's own metrics: gauges read from the outbox and the engine when a collection happens
// (a scrape or a push), counters and a histogram fed by the engine as deliveries happen.
// Labels are few and bounded: destination and folder names from the config, job states, outcome
// and reason classes. Never a call id, file name or phone number.
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { DestinationHealth } from '../../../shared/contract.js';
import { jobStates, type JobState } from '../../../shared/model.js';
import type { JobRecord, JobTotals, Outbox } from '../outbox/outbox.js';
import { waitingStates } from '../outbox/job-states.js';
import type { DeliveryObserver } from './delivery-observer.js';
import { destinationHealthState, healthStates } from './destination-health.js';
import { reasonClasses, reasonClassOf } from './reason-class.js';

export interface MetricSources {
  outbox: Pick<Outbox, 'counts' | 'totals' | 'oldestWaitingFor'>;
  /** The engine's view of each enabled destination. */
  destinations(): DestinationHealth[];
  /** Each configured folder by its short label. */
  folders(): { label: string; available: boolean }[];
  /** The whole engine paused by a person. */
  paused(): boolean;
  /** When a delivered job's file was ready (enqueued, or final for a live call). */
  readyAt(job: JobRecord): number;
  now(): number;
}

/** From a few seconds (a short call on a fast link) to a day (an offline site catching up). */
export const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 7200, 21600, 86400];

const outcomes = ['done', 'failed', 'needs-review'] as const;
const waiting = new Set<JobState>(waitingStates);

export interface CallRelayInstruments {
  observer: DeliveryObserver;
  /** Starts every counter series of a destination at 0, so rate() and the dashboard see it at once. */
  knowDestination(name: string): void;
}

export function registerCallRelayInstruments(
  meter: Meter,
  sources: MetricSources,
  version: string,
): CallRelayInstruments {
  const deliveries: Counter = meter.createCounter('callrelay_deliveries', {
    description: 'Jobs whose delivery ended, by outcome: done, failed (for good) or needs-review.',
  });
  const bytesSent: Counter = meter.createCounter('callrelay_bytes_sent', {
    description: 'Bytes of recordings sent to the destination (a resumed upload counts only what it sent).',
  });
  const failures: Counter = meter.createCounter('callrelay_attempt_failures', {
    description: 'Delivery attempts that failed, by reason class (retried or not).',
  });
  const duration: Histogram = meter.createHistogram('callrelay_delivery_duration_seconds', {
    description: 'Seconds from the recording being ready (stable on disk) to delivered.',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });

  const known = new Set<string>();
  const knowDestination = (destination: string) => {
    if (known.has(destination)) return;
    known.add(destination);
    bytesSent.add(0, { destination });
    for (const outcome of outcomes) deliveries.add(0, { destination, outcome });
    for (const reason_class of reasonClasses) failures.add(0, { destination, reason_class });
  };

  const buildInfo = meter.createObservableGauge('callrelay_build_info', {
    description: 'Always 1; the version label says which CallRelay runs.',
  });
  const jobs = meter.createObservableGauge('callrelay_jobs', { description: 'Jobs in the outbox by state.' });
  const backlog = meter.createObservableGauge('callrelay_backlog_jobs', {
    description: 'Jobs not delivered yet (waiting for their file, review, a slot or a retry; running; paused).',
  });
  const outboxBytes = meter.createObservableGauge('callrelay_outbox_bytes', {
    description: 'Bytes of the recordings still to deliver.',
  });
  const oldest = meter.createObservableGauge('callrelay_oldest_waiting_seconds', {
    description: 'Age of the job waiting longest (0 when none waits).',
  });
  const review = meter.createObservableGauge('callrelay_review_waiting', {
    description: 'Calls waiting for a person in Review.',
  });
  const up = meter.createObservableGauge('callrelay_destination_up', {
    description: '1 when the destination is reachable (not down), else 0.',
  });
  const state = meter.createObservableGauge('callrelay_destination_state', {
    description: "1 for the destination's current health state (online, degraded, down), 0 for the others.",
  });
  const destinationPaused = meter.createObservableGauge('callrelay_destination_paused', {
    description: '1 when a person paused deliveries to this destination.',
  });
  const enginePaused = meter.createObservableGauge('callrelay_paused', {
    description: '1 when a person paused all deliveries.',
  });
  const folderAvailable = meter.createObservableGauge('callrelay_folder_available', {
    description: '1 when the watched folder can be read, else 0.',
  });

  meter.addBatchObservableCallback(
    (r) => {
      r.observe(buildInfo, 1, { version });
      const counts = sources.outbox.counts();
      for (const s of jobStates) r.observe(jobs, counts[s], { state: s });
      r.observe(review, counts['needs-review']);
      r.observe(enginePaused, sources.paused() ? 1 : 0);

      const health = sources.destinations();
      const perDestination = new Map<string, { jobs: number; bytes: number }>();
      for (const h of health) perDestination.set(h.name, { jobs: 0, bytes: 0 });
      for (const t of sources.outbox.totals() as JobTotals[]) {
        if (!waiting.has(t.state)) continue;
        const entry = perDestination.get(t.destination) ?? { jobs: 0, bytes: 0 };
        entry.jobs += t.jobs;
        entry.bytes += t.bytes;
        perDestination.set(t.destination, entry);
      }
      const now = sources.now();
      for (const [destination, entry] of perDestination) {
        const attrs: Attributes = { destination };
        r.observe(backlog, entry.jobs, attrs);
        r.observe(outboxBytes, entry.bytes, attrs);
        const at = entry.jobs > 0 ? sources.outbox.oldestWaitingFor(destination) : null;
        r.observe(oldest, at == null ? 0 : Math.max(0, (now - at) / 1000), attrs);
      }
      for (const h of health) {
        knowDestination(h.name);
        const current = destinationHealthState(h);
        r.observe(up, current === 'down' ? 0 : 1, { destination: h.name });
        for (const s of healthStates) r.observe(state, s === current ? 1 : 0, { destination: h.name, state: s });
        r.observe(destinationPaused, h.paused ? 1 : 0, { destination: h.name });
      }
      for (const f of sources.folders()) r.observe(folderAvailable, f.available ? 1 : 0, { folder: f.label });
    },
    [
      buildInfo,
      jobs,
      backlog,
      outboxBytes,
      oldest,
      review,
      up,
      state,
      destinationPaused,
      enginePaused,
      folderAvailable,
    ],
  );

  const observer: DeliveryObserver = {
    bytesSent(destination, bytes) {
      knowDestination(destination);
      bytesSent.add(bytes, { destination });
    },
    delivered(job) {
      knowDestination(job.destination);
      deliveries.add(1, { destination: job.destination, outcome: 'done' });
      duration.record(Math.max(0, (sources.now() - sources.readyAt(job)) / 1000), { destination: job.destination });
    },
    attemptFailed(destination, error, decision, attempt) {
      if (decision === 'lease-lost') return; // another worker holds the job; nothing failed
      knowDestination(destination);
      failures.add(1, { destination, reason_class: reasonClassOf(error) });
      if (attempt?.live) return;
      if (decision === 'failed') deliveries.add(1, { destination, outcome: 'failed' });
      if (decision === 'review') deliveries.add(1, { destination, outcome: 'needs-review' });
    },
  };
  return { observer, knowDestination };
}
