import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula, queueCsv, queueCsvColumns } from '../../../electron/core/api/queue-csv.js';
import type { JobSummary } from '../../../shared/model.js';

function job(overrides: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'job-1',
    state: 'failed',
    fileName: 'call.wav',
    path: '/rec/call.wav',
    folder: '/rec',
    destination: 'comswise',
    callTime: '2026-11-20T10:30:00.000Z',
    from: '+12125550105',
    to: '+15550000000',
    attempts: 3,
    lastError: 'comswise said 400: "recordingUrl", is not a file key\nsecond line',
    step: null,
    progress: null,
    nextAttemptAt: null,
    createdAt: '2026-11-20T10:31:00.000Z',
    updatedAt: '2026-11-20T10:32:00.000Z',
    customerName: 'Rao, Asha',
    agent: 'agent-7',
    ...overrides,
  };
}

describe('queueCsv', () => {
  it('quotes commas, quotes and line breaks so every cell reads back as written', () => {
    const csv = queueCsv([job(), job({ id: 'job-2', state: 'done', lastError: null })]);
    expect(csv.startsWith('\ufeff')).toBe(true);
    const rows = parse(csv, { bom: true }) as string[][];
    expect(rows[0]).toEqual([...queueCsvColumns]);
    const header = rows[0]!;
    const first = Object.fromEntries(header.map((h, i) => [h, rows[1]![i]]));
    expect(first['Customer']).toBe('Rao, Asha');
    expect(first['Last error']).toBe('comswise said 400: "recordingUrl", is not a file key\nsecond line');
    expect(first['State']).toBe('Failed');
    expect(rows[2]![header.indexOf('State')]).toBe('Delivered');
    expect(rows).toHaveLength(3);
  });

  it('never lets a cell run as a formula in a spreadsheet', () => {
    const hostile = ['=HYPERLINK("http://evil.example","x")', '+SUM(1,2)', '-2+3', '@cmd', '\t=1', '\r=1'];
    const csv = queueCsv(hostile.map((name, i) => job({ id: `j${i}`, fileName: name, customerName: name })));
    const rows = (parse(csv, { bom: true }) as string[][]).slice(1);
    rows.forEach((row, i) => {
      expect(row[0]).toBe(`'${hostile[i]}`);
      expect(row[4]).toBe(`'${hostile[i]}`);
    });
    // A phone number in E.164 starts with "+": kept as text too, not turned into a number.
    expect(rows[0]![2]).toBe("'+12125550105");
    expect(neutraliseFormula('call-7.wav')).toBe('call-7.wav');
  });
});
