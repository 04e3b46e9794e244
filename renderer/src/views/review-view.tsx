// The review inbox: one job at a time, keyboard first. Ctrl+Enter saves and moves to the next,
// Alt+→ / Alt+← skip without saving.
import { useCallback, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app-services.js';
import { EmptyState, ErrorState, LoadingState, Notice } from '../components/status-panel.js';
import { formatTime } from '../format-values.js';
import { RecordingPlayer } from '../components/recording-player.js';
import { CallForm, lacksLabel } from './call-form.js';
import { useFolderRegion, useFolderTimeZone } from './job-detail-view.js';

export function ReviewView() {
  const { review, reviewJob } = useServices();
  const items = useStore(review, (s) => s.items);
  const index = useStore(review, (s) => s.index);
  const total = useStore(review, (s) => s.total);
  const status = useStore(review, (s) => s.status);
  const error = useStore(review, (s) => s.error);
  const job = useStore(reviewJob, (s) => s.job);
  const jobStatus = useStore(reviewJob, (s) => s.status);
  const jobError = useStore(reviewJob, (s) => s.error);
  const schema = useStore(reviewJob, (s) => s.schema);
  const saving = useStore(reviewJob, (s) => s.saving);
  const saveIssues = useStore(reviewJob, (s) => s.saveIssues);
  const timeZone = useFolderTimeZone(job?.folder ?? null);
  const region = useFolderRegion(job?.folder ?? null);
  const checks = useStore(review, (s) => s.checks);
  // The form opens again once the host's check is in: the cursor goes back to its first field.
  const checked = Boolean(job && checks[job.id]);
  const formArea = useRef<HTMLDivElement>(null);
  const current = items[index];

  useEffect(() => {
    void review.getState().load();
  }, [review]);

  useEffect(() => {
    void reviewJob.getState().open(current?.id ?? null);
    return () => void reviewJob.getState().open(null);
  }, [reviewJob, current?.id]);

  // Put the cursor where the work is: the first field with a problem, or the first field.
  const focusWork = useCallback(() => {
    const area = formArea.current;
    const target =
      area?.querySelector<HTMLElement>('form [aria-invalid="true"]') ??
      area?.querySelector<HTMLElement>('form input, form select, form textarea');
    target?.focus();
  }, []);
  useEffect(() => {
    if (jobStatus === 'ready' && job) focusWork();
  }, [jobStatus, job?.id, job, checked, focusWork]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.altKey && event.key === 'ArrowRight') {
        event.preventDefault();
        review.getState().next();
      } else if (event.altKey && event.key === 'ArrowLeft') {
        event.preventDefault();
        review.getState().previous();
      } else if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
        event.preventDefault();
        formArea.current?.querySelector('form')?.requestSubmit();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [review]);

  let body;
  if (status === 'loading' || status === 'idle') body = <LoadingState label="Loading jobs to review…" />;
  else if (status === 'error')
    body = (
      <ErrorState message={error ?? 'Could not load the review inbox.'} onRetry={() => void review.getState().load()} />
    );
  else if (items.length === 0) {
    body = (
      <EmptyState title="Nothing to review.">
        <p>Recordings whose details are missing or wrong land here. You are all caught up.</p>
        <a className="button" href="#/queue">
          Back to the queue
        </a>
      </EmptyState>
    );
  } else {
    body = (
      <div className="review-layout">
        <nav aria-label="Jobs to review" className="review-list">
          <ol>
            {items.map((item, i) => (
              <li key={item.id}>
                <button
                  type="button"
                  className={i === index ? 'current' : undefined}
                  aria-current={i === index ? 'true' : undefined}
                  // Choosing the job already open takes the cursor back to its form.
                  onClick={() => (i === index ? focusWork() : review.setState({ index: i }))}
                >
                  <span className="review-file">{item.fileName}</span>
                  {checks[item.id] && lacksLabel(checks[item.id]!.missing) ? (
                    <span className="review-lacks" data-testid="review-lacks">
                      {lacksLabel(checks[item.id]!.missing)}
                    </span>
                  ) : null}
                  <small>{formatTime(item.callTime ?? item.createdAt)}</small>
                </button>
              </li>
            ))}
          </ol>
        </nav>
        <div className="panel review-form" ref={formArea}>
          {jobStatus === 'loading' || !job ? (
            jobStatus === 'error' ? (
              <ErrorState
                message={jobError ?? 'Could not load this job.'}
                onRetry={() => void reviewJob.getState().reload()}
              />
            ) : (
              <LoadingState label="Loading the job…" />
            )
          ) : (
            <>
              <h2>
                {job.fileName} <small className="muted">to {job.destination}</small>
              </h2>
              <p className="muted">
                {index + 1} of {total}. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves and opens the next; <kbd>Alt</kbd>+
                <kbd>→</kbd> skips.
              </p>
              <Notice message={jobError} tone="error" />
              <RecordingPlayer jobId={job.id} durationSec={job.recording.durationSec} />
              <CallForm
                key={`${job.id}-${checks[job.id] ? 'checked' : 'unchecked'}`}
                check={checks[job.id] ?? null}
                region={region}
                idPrefix="review"
                job={job}
                schema={schema}
                hostIssues={saveIssues.length > 0 ? saveIssues : job.reviewIssues}
                timeZone={timeZone}
                saving={saving}
                primaryLabel="Save and next"
                onSave={async (patch, queue) => {
                  const issues = await reviewJob.getState().save(patch, queue);
                  if (issues && issues.length === 0) review.getState().resolve(job.id);
                  else if (issues) void review.getState().recheck(job.id);
                  return issues;
                }}
              />
              <div className="form-actions">
                <button type="button" onClick={() => review.getState().previous()} disabled={index === 0}>
                  Previous
                </button>
                <button type="button" onClick={() => review.getState().next()} disabled={index >= items.length - 1}>
                  Skip
                </button>
              </div>
            </>
          )}
        </div>
      </div>
    );
  }

  return (
    <section className="view" aria-labelledby="review-title">
      <header className="view-header">
        <h1 id="review-title">Review</h1>
        <p className="view-summary">{status === 'ready' ? `${total} waiting` : ''}</p>
      </header>
      {body}
    </section>
  );
}
