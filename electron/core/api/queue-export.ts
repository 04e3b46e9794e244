// `queue:export`: the queue view a supervisor is looking at (its filters and its order) as CSV,
// every page of it, not only the rows on screen. Read in keyset pages, so a 100,000-job export
// costs a few dozen index reads rather than one huge query held open.
import { queueExportLimit, type QueueExport, type QueueExportInput } from '../../../shared/contract.js';
import type { JobSummary } from '../../../shared/model.js';
import type { Engine } from '../engine/engine.js';
import type { Outbox } from '../outbox/outbox.js';
import { queueCsv } from './queue-csv.js';
import { toSummary } from './queue-handlers.js';

const PAGE = 5000;

export function exportQueue(
  outbox: Pick<Outbox, 'list'>,
  engine: Engine,
  input: Omit<QueueExportInput, 'limit' | 'cursor'> & { phoneRegions?: readonly string[] },
  now: number,
  limit = queueExportLimit,
): QueueExport {
  const jobs: JobSummary[] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (;;) {
    const page = outbox.list({ ...input, cursor, withTotal: false, limit: Math.min(PAGE, limit - jobs.length + 1) });
    for (const row of page.rows) jobs.push(toSummary(row, engine));
    if (jobs.length > limit) {
      jobs.length = limit;
      truncated = true;
      break;
    }
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  const stamp = new Date(now).toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return { fileName: `callrelay-queue-${stamp}.csv`, csv: queueCsv(jobs), rows: jobs.length, truncated };
}
