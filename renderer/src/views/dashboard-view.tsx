// The supervisor's view: backlog, oldest waiting job, throughput, failures, destinations, folders.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { jobStates } from '../../../shared/model.js';
import { useServices } from '../app-services.js';
import { ErrorState, LoadingState, Notice } from '../components/status-panel.js';
import { SimpleTable } from '../components/simple-table.js';
import { timeLeft } from '../../../shared/status-summary.js';
import { formatAge, formatBytes, formatTime, stateLabels } from '../format-values.js';
import { routeHref } from '../routing.js';
import { queueHash } from '../queue-url.js';
import { emptyFilters } from '../stores/queue-store.js';
import { ThroughputChart } from './throughput-chart.js';

const waitingStates = ['queued', 'running', 'retry-wait', 'needs-review', 'waiting-file', 'paused'] as const;

export const healthLabels = { online: 'Online', degraded: 'Degraded', down: 'Down' } as const;
const healthBadge = { online: 'state-done', degraded: 'state-retry-wait', down: 'state-failed' } as const;

export function DashboardView() {
  const { dashboard, queue } = useServices();
  const data = useStore(dashboard, (s) => s.data);
  const status = useStore(dashboard, (s) => s.status);
  const error = useStore(dashboard, (s) => s.error);
  const [range, setRange] = useState<'hour' | 'day'>('hour');

  useEffect(() => dashboard.getState().watch(), [dashboard]);

  if (status === 'loading' || status === 'idle') return <LoadingState label="Loading the dashboard…" />;
  if (status === 'error' || !data)
    return (
      <ErrorState
        message={error ?? 'The dashboard could not be loaded.'}
        onRetry={() => void dashboard.getState().load()}
      />
    );

  const backlog = waitingStates.reduce((sum, s) => sum + data.counts[s], 0);
  const maxCount = Math.max(1, ...jobStates.map((s) => data.counts[s]));
  const buckets = range === 'hour' ? data.throughputHour : data.throughputDay;
  const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

  return (
    <section className="view" aria-labelledby="dashboard-title">
      <header className="view-header">
        <h1 id="dashboard-title">Dashboard</h1>
        <div className="action-bar">
          {data.paused ? (
            <button type="button" className="primary" onClick={() => void dashboard.getState().setEnginePaused(false)}>
              Resume all deliveries
            </button>
          ) : (
            <button type="button" onClick={() => void dashboard.getState().setEnginePaused(true)}>
              Pause all deliveries
            </button>
          )}
        </div>
      </header>
      <Notice message={error} tone="error" />
      {data.paused ? (
        <p className="notice notice-error">Deliveries are paused. Nothing is sent until you resume.</p>
      ) : null}
      {(data.warnings ?? []).map((w) => (
        <p
          key={w.kind}
          role={w.kind === 'outbox-recovered' ? 'status' : 'alert'}
          className={w.kind === 'outbox-recovered' ? 'notice' : 'notice notice-error'}
        >
          {w.message.charAt(0).toUpperCase() + w.message.slice(1)}
        </p>
      ))}
      <div className="cards">
        <div className="card">
          <h2>Backlog</h2>
          <p className="big-number">{backlog.toLocaleString()}</p>
          <p className="muted">jobs not yet delivered</p>
        </div>
        <div className="card" data-testid="backlog-eta">
          <h2>Time left</h2>
          <p className="big-number">
            {!data.backlog || data.backlog.jobs === 0
              ? '—'
              : data.backlog.etaSec === null
                ? '?'
                : timeLeft(data.backlog.etaSec).replace(/ left$/, '')}
          </p>
          <p className="muted">
            {!data.backlog || data.backlog.jobs === 0
              ? 'nothing to send'
              : data.backlog.etaSec === null
                ? 'nothing delivered in the last 15 minutes to go by'
                : `at ${data.backlog.perMinute.toFixed(data.backlog.perMinute < 10 ? 1 : 0)} calls a minute (last 15 minutes)`}
          </p>
        </div>
        <div className="card" data-testid="oldest-waiting">
          <h2>Oldest waiting</h2>
          <p className="big-number">{formatAge(data.oldestWaiting?.at ?? data.oldestWaitingAt)}</p>
          {data.oldestWaiting ? (
            <a href={routeHref({ view: 'job', id: data.oldestWaiting.id })} className="break">
              {data.oldestWaiting.fileName}
            </a>
          ) : null}
          <p className="muted">
            {data.oldestWaitingAt
              ? `since ${formatTime(data.oldestWaiting?.at ?? data.oldestWaitingAt)}`
              : 'nothing is waiting'}
          </p>
        </div>
        <div className="card" data-testid="today-totals">
          <h2>Today</h2>
          <p className="big-number">{(data.today?.delivered ?? 0).toLocaleString()}</p>
          <p className="muted">
            delivered ({formatBytes(data.today?.bytes ?? 0)}) ·{' '}
            {(data.today?.failed ?? 0) > 0 ? (
              <a href={queueHash({ states: ['failed'] })}>{data.today!.failed.toLocaleString()} failed</a>
            ) : (
              '0 failed'
            )}
          </p>
        </div>
        <div className="card">
          <h2>Needs review</h2>
          <p className="big-number">{data.counts['needs-review'].toLocaleString()}</p>
          <a href="#/review">Open the review inbox</a>
        </div>
        <div className="card">
          <h2>Same as another</h2>
          <p className="big-number" data-testid="duplicate-count">
            {data.counts.duplicate.toLocaleString()}
          </p>
          <a
            href={queueHash({ states: ['duplicate'] })}
            onClick={() => queue.getState().setFilters({ ...emptyFilters, states: ['duplicate'] })}
          >
            Not sent: content already taken
          </a>
        </div>
        <div className="card">
          <h2>Failed</h2>
          <p className="big-number">{data.counts.failed.toLocaleString()}</p>
          <a
            href={queueHash({ states: ['failed'] })}
            onClick={() => queue.getState().setFilters({ ...emptyFilters, states: ['failed'] })}
          >
            See them in the queue
          </a>
        </div>
      </div>
      <div className="dashboard-grid">
        <section className="panel" aria-labelledby="backlog-title">
          <h2 id="backlog-title">Jobs by state</h2>
          <ul className="state-bars">
            {jobStates.map((state) => (
              <li key={state}>
                <span className="state-bar-label">{stateLabels[state]}</span>
                <span className="state-bar-track" aria-hidden="true">
                  <span
                    className={`state-bar-fill state-${state}`}
                    style={{ width: `${(data.counts[state] / maxCount) * 100}%` }}
                  />
                </span>
                <span className="cell-number">{data.counts[state].toLocaleString()}</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="panel" aria-labelledby="throughput-title">
          <h2 id="throughput-title">Throughput</h2>
          <div className="segmented" role="group" aria-label="Time range">
            <button type="button" aria-pressed={range === 'hour'} onClick={() => setRange('hour')}>
              Last hour
            </button>
            <button type="button" aria-pressed={range === 'day'} onClick={() => setRange('day')}>
              Last day
            </button>
          </div>
          <ThroughputChart
            buckets={buckets}
            title={range === 'hour' ? 'Deliveries per 5 minutes' : 'Deliveries per hour'}
            labelFor={(at) => timeOnly.format(new Date(at))}
          />
        </section>
        <section className="panel" aria-labelledby="failures-title">
          <h2 id="failures-title">Failures by reason</h2>
          {data.failuresByReason.length === 0 ? (
            <p className="muted">No failures.</p>
          ) : (
            <SimpleTable columns={['Reason', 'Jobs']}>
              {data.failuresByReason.map((f) => (
                <tr key={f.reason} data-testid="failure-reason">
                  <td>
                    <a
                      href={queueHash({ states: ['failed'], reason: f.reason })}
                      onClick={() =>
                        queue.getState().setFilters({ ...emptyFilters, states: ['failed'], reason: f.reason })
                      }
                    >
                      {f.reason}
                    </a>
                  </td>
                  <td className="cell-number">{f.count}</td>
                </tr>
              ))}
            </SimpleTable>
          )}
        </section>
        <section className="panel" aria-labelledby="destinations-title">
          <h2 id="destinations-title">Destinations</h2>
          {data.destinations.length === 0 ? (
            <p className="muted">
              No destination yet. <a href="#/settings">Add one in Settings.</a>
            </p>
          ) : (
            <SimpleTable columns={['Name', 'Status', 'Last success', <span className="visually-hidden">Actions</span>]}>
              {data.destinations.map((d) => (
                <tr key={d.name} data-testid="destination-health" data-destination={d.name} data-health={d.health}>
                  <td>
                    {d.name} <small className="muted">{d.kind}</small>
                  </td>
                  <td>
                    <span className={`badge ${healthBadge[d.health]}`}>{healthLabels[d.health]}</span>
                    {d.paused ? <span className="badge state-paused">Paused</span> : null}
                    {d.health !== 'online' && d.since ? (
                      <small className="muted block">since {formatTime(d.since)}</small>
                    ) : null}
                    {d.lastError ? <small className="field-error block">{d.lastError}</small> : null}
                  </td>
                  <td>{formatTime(d.lastSuccessAt)}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`${d.paused ? 'Resume' : 'Pause'} ${d.name}`}
                      onClick={() => void dashboard.getState().setDestinationPaused(d.name, !d.paused)}
                    >
                      {d.paused ? 'Resume' : 'Pause'}
                    </button>
                  </td>
                </tr>
              ))}
            </SimpleTable>
          )}
        </section>
        <section className="panel" aria-labelledby="folders-title">
          <h2 id="folders-title">Watched folders</h2>
          {data.folders.length === 0 ? (
            <p className="muted">
              No folder is watched. <a href="#/settings">Add one in Settings.</a>
            </p>
          ) : (
            <SimpleTable columns={['Folder', 'Destination', 'Status', 'Files seen']}>
              {data.folders.map((f) => (
                <tr key={f.path}>
                  <td className="folder-path">
                    {/* Break only after a path separator, never in the middle of a folder's name. */}
                    {f.path.split(/(?<=[/\\])/).map((part, i) => (
                      <span key={i}>
                        {part}
                        <wbr />
                      </span>
                    ))}
                  </td>
                  <td>{f.destination}</td>
                  <td>
                    <span className={`badge ${f.available ? 'state-done' : 'state-failed'}`}>
                      {f.available ? 'Watching' : 'Unavailable'}
                    </span>
                    {f.error ? <small className="field-error block">{f.error}</small> : null}
                  </td>
                  <td className="cell-number">{f.filesSeen.toLocaleString()}</td>
                </tr>
              ))}
            </SimpleTable>
          )}
        </section>
      </div>
    </section>
  );
}
