// Everything the views share, built once per window: the contract client, one store per domain,
// and the host event subscriptions that keep the stores' caches fresh.
import { createContext, useContext } from 'react';
import type { ContractClient } from '../../shared/contract-client.js';
import { createAttentionStore, type AttentionStore } from './stores/attention-store.js';
import { createDashboardStore, type DashboardStore } from './stores/dashboard-store.js';
import { createJobStore, type CallSchema, type JobStore } from './stores/job-store.js';
import { createQueueStore, type QueueStore } from './stores/queue-store.js';
import { createReviewStore, type ReviewStore } from './stores/review-store.js';
import { createSettingsStore, type SettingsStore } from './stores/settings-store.js';
import { createStatusStore, type StatusStore } from './stores/status-store.js';

export interface AppServices {
  client: ContractClient;
  mode: 'desktop' | 'browser';
  queue: QueueStore;
  job: JobStore;
  review: ReviewStore;
  reviewJob: JobStore;
  dashboard: DashboardStore;
  settings: SettingsStore;
  attention: AttentionStore;
  /** The top bar's status line. */
  status: StatusStore;
  /** Desktop only: the real path of a dropped file, when the preload offers it. */
  pathForFile: (file: File) => string | null;
  /** The host's event stream dropped or came back; on return, everything on screen is re-read. */
  connectionChanged(connected: boolean): void;
  dispose(): void;
}

export function createAppServices(
  client: ContractClient,
  mode: 'desktop' | 'browser',
  pathForFile: (file: File) => string | null = () => null,
): AppServices {
  const schemaCache = new Map<string, Promise<CallSchema>>();
  const queue = createQueueStore(client);
  const job = createJobStore(client, schemaCache);
  const review = createReviewStore(client);
  const reviewJob = createJobStore(client, schemaCache);
  const dashboard = createDashboardStore(client);
  const settings = createSettingsStore(client);
  const attention = createAttentionStore(client);
  const status = createStatusStore(client);

  const unsubscribe = [
    client.on('queue:changed', (event) => {
      attention.getState().handleChanged(event);
      queue.getState().handleChanged(event);
      job.getState().handleChanged(event);
      dashboard.getState().handleChanged();
      status.getState().handleChanged();
      if (review.getState().status === 'ready' && review.getState().total !== event.counts['needs-review']) {
        void review.getState().load();
      }
    }),
    client.on('settings:changed', () => void settings.getState().load()),
    client.on('attention:changed', (event) => {
      attention.getState().handleAttention(event);
      status.getState().handleChanged();
    }),
    // The nav's "paused" note follows the engine state the dashboard reads.
    dashboard.subscribe((state) => {
      if (state.data && state.data.paused !== attention.getState().paused)
        attention.setState({ paused: state.data.paused });
    }),
  ];

  return {
    client,
    mode,
    queue,
    job,
    review,
    reviewJob,
    dashboard,
    settings,
    attention,
    status,
    pathForFile,
    connectionChanged(connected) {
      attention.setState({ connected });
      if (!connected) return;
      void attention
        .getState()
        .load()
        .then(() => {
          const counts = attention.getState().counts;
          if (!counts) return;
          const everything = { ids: [], reset: true, counts, at: new Date().toISOString() };
          queue.getState().handleChanged(everything);
          job.getState().handleChanged(everything);
          reviewJob.getState().handleChanged(everything);
          dashboard.getState().handleChanged();
          status.getState().handleChanged();
          if (review.getState().status === 'ready') void review.getState().load();
          if (settings.getState().view) void settings.getState().load();
        });
    },
    dispose() {
      unsubscribe.forEach((stop) => stop());
      queue.getState().dispose();
      dashboard.getState().dispose();
      status.getState().dispose();
    },
  };
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() needs a <ServicesContext.Provider> around the app.');
  return services;
}
