// A running transfer as the engine measures it (JobSummary.progress): "13% · 5.9 MB/s · 45s left".
// One rendering for the queue row and the job page.
import type { JobSummary } from '../../../shared/model.js';
import { formatDuration, formatRate } from '../format-values.js';

export function TransferProgress({ job }: { job: Pick<JobSummary, 'progress' | 'fileName'> }) {
  const progress = job.progress;
  if (!progress || progress.bytesTotal <= 0) return null;
  const percent = Math.min(100, Math.round((progress.bytesSent / progress.bytesTotal) * 100));
  return (
    <div className="progress-cell" data-testid="transfer-progress">
      <progress max={100} value={percent} aria-label={`${job.fileName} sent ${percent}%`} />
      <span>
        {percent}% · {formatRate(progress.bytesPerSec)}
        {progress.etaSec !== null ? ` · ${formatDuration(progress.etaSec)} left` : ''}
      </span>
    </div>
  );
}
