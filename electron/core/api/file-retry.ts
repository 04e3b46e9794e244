// "The file decides what a retry may do": a job failed because of its recording (empty, not
// audio, cut off, vanished, unreadable) is read and described again on retry, and goes on only if
// it is good now. Otherwise the retry answers with the same reason and nothing is sent.
import type { JobRecord, Outbox } from '../outbox/outbox.js';
import type { Reexamination, ReexamineTarget } from '../watch/intake.js';

export interface FileRetryDeps {
  outbox: Outbox;
  reexamine?(job: ReexamineTarget): Promise<Reexamination>;
}

/** True when the job failed because of the recording itself, not because of the platform. */
export function failedBecauseOfRecording(job: JobRecord): boolean {
  if (job.state !== 'failed') return false;
  if (job.reviewIssues.some((i) => i.field === 'recording')) return true;
  return /^The recording .* cannot be read/.test(job.lastError ?? '');
}

export interface FileRetryResult {
  updated: number;
  refused: { id: string; reason: string }[];
}

export async function retryJobs(deps: FileRetryDeps, ids: string[]): Promise<FileRetryResult> {
  const { outbox } = deps;
  const plain: string[] = [];
  const refused: FileRetryResult['refused'] = [];
  let updated = 0;
  for (const id of ids) {
    const job = outbox.getJob(id);
    if (!job || !deps.reexamine || !failedBecauseOfRecording(job)) {
      plain.push(id);
      continue;
    }
    const fresh = await deps.reexamine(job);
    if (!fresh.ok) {
      outbox.addEvent(id, 'retry-refused', `Retry refused, nothing was sent: ${fresh.reason}`);
      refused.push({ id, reason: fresh.reason });
      continue;
    }
    const result = outbox.applyReexamined(id, fresh);
    switch (result.outcome) {
      case 'queued':
      case 'needs-review':
        updated += 1;
        break;
      case 'failed':
        refused.push({ id, reason: result.reason ?? 'the recording still cannot be sent' });
        break;
      case 'duplicate':
        refused.push({ id, reason: outbox.getJob(id)?.lastError ?? `same recording as job ${result.of}` });
        break;
      case 'gone':
        break;
    }
  }
  updated += plain.length > 0 ? outbox.retry(plain) : 0;
  return { updated, refused };
}
