// The queue as a CSV file for supervisors, quoted by csv-stringify (RFC 4180: commas, quotes and
// line breaks inside a cell stay inside it). A cell a spreadsheet would run as a formula (it
// starts with = + - @, a tab or a carriage return) is prefixed with ' so it is read as text:
// a file name or a platform's error message must never become a formula on a supervisor's machine.
import { stringify } from 'csv-stringify/sync';
import type { JobSummary } from '../../../shared/model.js';
import { stateLabels } from '../../../shared/state-labels.js';

export const queueCsvColumns = [
  'File',
  'Call time (UTC)',
  'From',
  'To',
  'Customer',
  'Agent',
  'Destination',
  'State',
  'Attempts',
  'Last error',
  'Folder',
  'Path',
  'Queued at (UTC)',
  'Job ID',
] as const;

const formulaStart = /^[=+\-@\t\r]/;

/** A cell as text a spreadsheet shows as it is. */
export function neutraliseFormula(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

function row(job: JobSummary): string[] {
  const state = job.pausedBy ? stateLabels.paused : stateLabels[job.state];
  return [
    job.fileName,
    job.callTime ?? '',
    job.from ?? '',
    job.to ?? '',
    job.customerName ?? '',
    job.agent ?? '',
    job.destination,
    state,
    String(job.attempts),
    job.lastError ?? '',
    job.folder ?? '',
    job.path,
    job.createdAt,
    job.id,
  ].map(neutraliseFormula);
}

/** A header row and one row per job, UTF-8 with a byte-order mark so spreadsheets read names right. */
export function queueCsv(jobs: Iterable<JobSummary>): string {
  const records: string[][] = [[...queueCsvColumns]];
  for (const job of jobs) records.push(row(job));
  return stringify(records, { bom: true, record_delimiter: 'windows' });
}
