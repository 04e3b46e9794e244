// One job: actions, the call form, the recording, what the platform sent back, and the timeline.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { ReviewCheck } from '../../../shared/contract.js';
import { callFieldNames, type JobDetail } from '../../../shared/model.js';
import { useServices } from '../app-services.js';
import { ErrorState, LoadingState, Notice } from '../components/status-panel.js';
import {
  formatBytes,
  formatDuration,
  formatTime,
  formatTimeWithSeconds,
  pausedLabel,
  repeatLabel,
  resendLabel,
  stateLabels,
} from '../format-values.js';
import type { JobAction } from '../stores/job-store.js';
import { RecordingPlayer } from '../components/recording-player.js';
import { TransferProgress } from '../components/transfer-progress.js';
import { CallForm, fieldLabels } from './call-form.js';

const actionsByState: Record<JobDetail['state'], JobAction[]> = {
  'waiting-file': ['cancel'],
  'needs-review': ['send-as-is', 'cancel'],
  queued: ['move-to-front', 'pause', 'cancel'],
  running: ['pause', 'cancel'],
  'retry-wait': ['retry', 'pause', 'cancel'],
  done: ['resend'],
  failed: ['retry', 'cancel'],
  paused: ['resume', 'cancel'],
  cancelled: ['retry'],
  duplicate: ['send-anyway'],
};

const actionLabels: Record<JobAction, string> = {
  retry: 'Retry now',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  'move-to-front': 'Move to front',
  resend: 'Send again',
  'send-anyway': 'Send anyway',
  'send-as-is': 'Send as it is',
};

/** Actions that create a call the platform may already have: each asks first, naming what happens. */
function confirmation(action: JobAction, job: JobDetail): string | null {
  const first = job.resendOf ?? job.id;
  if (action === 'resend') {
    return `Send again creates a second call on ${job.destination}; the first is ${job.remoteId ?? first}. Send again?`;
  }
  if (action === 'send-anyway') {
    return `Send anyway creates a second call on ${job.destination} with the same recording as job ${job.duplicateOf ?? '?'}. Send anyway?`;
  }
  if (action === 'send-as-is') {
    return `Send as it is sends the recording to ${job.destination} as it is, although ${
      job.reviewIssues.find((i) => i.field === 'recording')?.message ?? 'it has a problem'
    }. Send as it is?`;
  }
  return null;
}

function canAct(action: JobAction, job: JobDetail): boolean {
  // Only a recording's own problem (cut off, length unknown) can be waived by a person.
  if (action === 'send-as-is') return job.reviewIssues.some((i) => i.field === 'recording');
  return true;
}

export function useFolderTimeZone(folder: string | null): string | null {
  const { settings } = useServices();
  const view = useStore(settings, (s) => s.view);
  useEffect(() => {
    if (!settings.getState().view && settings.getState().status === 'idle') void settings.getState().load();
  }, [settings]);
  return view?.folders.find((f) => f.path === folder)?.timezone ?? null;
}

/** The folder's region, with which national phone numbers ("312 555 0002") are read. */
export function useFolderRegion(folder: string | null): string | null {
  const { settings } = useServices();
  const view = useStore(settings, (s) => s.view);
  return view?.folders.find((f) => f.path === folder)?.region ?? null;
}

/** A platform's URL becomes a link only when it is plain http(s): never javascript: or file:. */
export function webLink(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * A platform's text as text: React never parses it as HTML; control characters (a terminal's
 * escape codes, NULs) are dropped so nothing but the words reaches the page.
 */
export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/** A delivered call's details, as they were sent: changed only by sending again. */
function DeliveredCall({ job }: { job: JobDetail }) {
  const shown = callFieldNames.filter(
    (f): f is keyof typeof fieldLabels => f !== 'extra' && job.call[f] !== undefined && job.call[f] !== '',
  );
  return (
    <>
      <p className="muted" data-testid="read-only-call">
        Delivered calls are not edited here: <strong>Send again</strong> sends a new call, whose details you can change
        before it goes.
      </p>
      <dl className="facts call-facts">
        {shown.map((field) => (
          <div key={field} className="fact-row">
            <dt>{fieldLabels[field]}</dt>
            <dd className="break">{String(job.call[field])}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

/** What the host says a job in review lacks and what is filled for it. */
function useReviewCheck(job: JobDetail | null): ReviewCheck | null {
  const { client } = useServices();
  // Kept with the id it answers for, so another job's answer is never shown.
  const [answer, setAnswer] = useState<ReviewCheck | null>(null);
  const id = job?.id;
  const inReview = job?.state === 'needs-review';
  useEffect(() => {
    if (!id || !inReview) return;
    let current = true;
    client
      .call('review:check', { ids: [id] })
      .then((reply) => current && setAnswer(reply.items[0] ?? null))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [client, id, inReview]);
  return inReview && answer?.id === id ? answer : null;
}

function ResultPanel({ job }: { job: JobDetail }) {
  const result = job.result;
  return (
    <section className="panel" aria-labelledby="result-title">
      <h2 id="result-title">Result</h2>
      <dl className="facts">
        <dt>Remote ID</dt>
        <dd data-testid="remote-id">{job.remoteId ?? 'not created yet'}</dd>
        {result ? (
          <>
            <dt>Platform status</dt>
            <dd>{result.status ?? '—'}</dd>
            <dt>Fetched</dt>
            <dd>{formatTime(result.fetchedAt)}</dd>
          </>
        ) : null}
      </dl>
      {!result ? (
        <p className="muted">
          {job.state === 'done'
            ? 'The platform has not returned a summary or transcript yet; it appears here when it does.'
            : 'Results appear here after the call is delivered.'}
        </p>
      ) : (
        <div data-testid="job-result">
          {result.summary ? (
            <>
              <h3>Summary</h3>
              <p className="result-summary" data-testid="summary">
                {plainText(result.summary)}
              </p>
            </>
          ) : null}
          {result.transcriptUrl ? (
            <p>
              {webLink(result.transcriptUrl) ? (
                <a href={webLink(result.transcriptUrl)!} target="_blank" rel="noreferrer noopener">
                  Open the transcript
                </a>
              ) : (
                <span className="break">Transcript: {result.transcriptUrl}</span>
              )}
            </p>
          ) : null}
          {result.transcriptText ? (
            <>
              <h3>Transcript</h3>
              <pre className="transcript" data-testid="transcript">
                {plainText(result.transcriptText)}
              </pre>
            </>
          ) : null}
          {result.recordingUrl ? <p className="muted">Recording on the platform: {result.recordingUrl}</p> : null}
        </div>
      )}
    </section>
  );
}

export function JobDetailView({ id }: { id: string }) {
  const { job: store } = useServices();
  const job = useStore(store, (s) => s.job);
  const schema = useStore(store, (s) => s.schema);
  const status = useStore(store, (s) => s.status);
  const error = useStore(store, (s) => s.error);
  const notice = useStore(store, (s) => s.notice);
  const refusal = useStore(store, (s) => s.refusal);
  const saving = useStore(store, (s) => s.saving);
  const saveIssues = useStore(store, (s) => s.saveIssues);
  const timeZone = useFolderTimeZone(job?.folder ?? null);
  const region = useFolderRegion(job?.folder ?? null);
  const check = useReviewCheck(job);
  const [confirming, setConfirming] = useState<JobAction | null>(null);
  const sending = job?.state === 'running';

  // While a transfer runs the bar moves once a second, whether or not the host announces a change.
  useEffect(() => {
    if (!sending) return;
    const timer = setInterval(() => void store.getState().reload(), 1000);
    return () => clearInterval(timer);
  }, [store, sending]);

  useEffect(() => {
    void store.getState().open(id);
    // Closed when the view goes, so host changes to this job stop costing a reload.
    return () => void store.getState().open(null);
  }, [store, id]);

  if (status === 'loading' || status === 'idle') return <LoadingState label="Loading the job…" />;
  if (status === 'error' || !job) {
    return (
      <section className="view">
        <p>
          <a href="#/queue">← Back to the queue</a>
        </p>
        <ErrorState message={error ?? 'This job could not be loaded.'} onRetry={() => void store.getState().reload()} />
      </section>
    );
  }

  // A delivered job has nothing left to fix: an old problem must not sit above "Delivered".
  const issues = saveIssues.length > 0 ? saveIssues : job.state === 'done' ? [] : job.reviewIssues;

  return (
    <section className="view job-view" aria-labelledby="job-title">
      <p>
        <a href="#/queue">← Back to the queue</a>
      </p>
      <header className="view-header">
        <h1 id="job-title">{job.fileName}</h1>
        <span className={`badge state-${job.state}`} data-testid="job-state">
          {pausedLabel(job.pausedBy, job.destination) ?? stateLabels[job.state]}
        </span>
        {resendLabel(job.resendNo, job.resendOf) ? (
          <a className="muted" data-testid="resend-of" href={`#/job/${encodeURIComponent(job.resendOf!)}`}>
            {resendLabel(job.resendNo, job.resendOf)}
          </a>
        ) : null}
      </header>
      {job.state === 'duplicate' && job.duplicateOf ? (
        <p className="notice" data-testid="same-as">
          Not sent: the same recording as{' '}
          <a href={`#/job/${encodeURIComponent(job.duplicateOf)}`}>the job that has it</a>, already taken for{' '}
          {job.destination}.
        </p>
      ) : null}
      <div className="action-bar" role="toolbar" aria-label="Job actions">
        {actionsByState[job.state]
          .filter((action) => canAct(action, job))
          .map((action) => (
            <button
              key={action}
              type="button"
              onClick={() => {
                if (confirmation(action, job)) setConfirming(action);
                else void store.getState().act(action);
              }}
            >
              {actionLabels[action]}
            </button>
          ))}
      </div>
      {confirming ? (
        <div className="confirm-bar" role="alertdialog" aria-labelledby="confirm-text" data-testid="confirm">
          <p id="confirm-text">{confirmation(confirming, job)}</p>
          <button
            type="button"
            onClick={() => {
              const action = confirming;
              setConfirming(null);
              void store.getState().act(action);
            }}
          >
            {actionLabels[confirming]}
          </button>
          <button type="button" className="link-button" onClick={() => setConfirming(null)}>
            Keep as it is
          </button>
        </div>
      ) : null}
      <Notice message={notice} />
      <Notice message={error} tone="error" />
      <Notice message={refusal} tone="error" />
      {job.lastError && job.state !== 'done' && job.state !== 'duplicate' ? (
        <p className="notice notice-error">
          Last error: {job.lastError}
          {job.nextAttemptAt ? ` — next attempt ${formatTime(job.nextAttemptAt)}` : ''}
        </p>
      ) : null}
      {job.progress && job.state === 'running' ? (
        <section className="panel" aria-labelledby="sending-title">
          <h2 id="sending-title">Sending</h2>
          <TransferProgress job={job} />
        </section>
      ) : null}
      <div className="job-columns">
        <section className="panel" aria-labelledby="call-title">
          <h2 id="call-title">Call details</h2>
          <p className="muted">
            Destination <strong>{job.destination}</strong>
            {schema ? ` (${schema.kind})` : ''}. Times are stored in UTC; the folder time zone is{' '}
            {timeZone ?? 'not set (UTC)'}.
          </p>
          {job.state === 'done' ? (
            <DeliveredCall job={job} />
          ) : (
            <CallForm
              key={`${job.id}-${check ? 'checked' : 'unchecked'}`}
              job={job}
              schema={schema}
              check={check}
              region={region}
              hostIssues={issues}
              timeZone={timeZone}
              saving={saving}
              primaryLabel={job.state === 'needs-review' ? 'Save and queue' : 'Save'}
              secondary={job.state === 'needs-review' ? { label: 'Save without queueing', queue: false } : undefined}
              onSave={(patch, queue) => store.getState().save(patch, queue)}
            />
          )}
        </section>
        <div className="side-column">
          <ResultPanel job={job} />
          <section className="panel" aria-labelledby="recording-title">
            <h2 id="recording-title">Recording</h2>
            <RecordingPlayer jobId={job.id} durationSec={job.recording.durationSec} />
            <dl className="facts">
              <dt>Path</dt>
              <dd className="break">{job.recording.path}</dd>
              <dt>Size</dt>
              <dd>{formatBytes(job.recording.sizeBytes)}</dd>
              <dt>Duration</dt>
              <dd>{job.recording.durationSec !== null ? formatDuration(job.recording.durationSec) : '—'}</dd>
              <dt>Format</dt>
              <dd>
                {job.recording.contentType}
                {job.recording.codec ? `, ${job.recording.codec}` : ''}
              </dd>
              <dt>Attempts</dt>
              <dd>{job.attempts}</dd>
            </dl>
          </section>
        </div>
      </div>
      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        {job.events.length === 0 ? (
          <p className="muted">No events yet.</p>
        ) : (
          <ol className="timeline">
            {job.events.map((event) => (
              <li key={event.id}>
                <time dateTime={event.at}>{formatTimeWithSeconds(event.at)}</time>
                <span className="event-type">{event.type}</span>
                <span>
                  {event.message}
                  {event.repeat ? (
                    <strong className="event-repeat" data-testid="event-repeat">
                      {' '}
                      {repeatLabel(event.repeat)}
                    </strong>
                  ) : null}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}
