import { describe, expect, it } from 'vitest';
import {
  PermanentError,
  ReviewError,
  TransientError,
  errorFromStatus,
} from '../../../electron/core/delivery-errors.js';
import { folderLabels } from '../../../electron/core/metrics/folder-labels.js';
import { reasonClassOf } from '../../../electron/core/metrics/reason-class.js';

describe('reason classes', () => {
  it('turns every kind of failure into one of a few fixed classes', () => {
    const withCode = (code: string) => Object.assign(new Error('socket'), { code });
    const cases: [unknown, string][] = [
      [new TransientError('cannot reach the server (ECONNREFUSED)', { unreachable: true }), 'unreachable'],
      [
        new TransientError('the server did not answer in time', { cause: withCode('UND_ERR_HEADERS_TIMEOUT') }),
        'timeout',
      ],
      [new TransientError('No bytes moved for 60 s; the transfer stalled and will be retried'), 'stalled'],
      [new TransientError('connection failed (ECONNRESET)', { cause: withCode('ECONNRESET') }), 'connection'],
      [errorFromStatus(429, 'slow down', '3', 0), 'rate-limited'],
      [errorFromStatus(503, 'maintenance', null, 0), 'server-error'],
      [errorFromStatus(422, 'bad field', null, 0), 'rejected'],
      [new PermanentError('refused the credentials', { status: 401 }), 'credentials'],
      [new PermanentError('wrapped', { cause: new PermanentError('inner', { status: 403 }) }), 'credentials'],
      [new ReviewError([{ field: 'customerName', message: 'required' }]), 'metadata'],
      [Object.assign(new Error('no such file'), { code: 'ENOENT' }), 'file'],
      [new PermanentError('The recording file is gone', { cause: withCode('ENOENT') }), 'file'],
      [new Error('a bug'), 'unexpected'],
    ];
    for (const [error, expected] of cases) expect(reasonClassOf(error), String(error)).toBe(expected);
  });
});

describe('folder labels', () => {
  it('uses the configured name, else the folder name made label-safe, never the path', () => {
    const labels = folderLabels([
      { path: '/srv/recordings/Agent Smith', name: undefined },
      { path: '/srv/site-b/recordings' },
      { path: '/mnt/other/recordings' },
      { path: '/srv/x', name: 'front-desk' },
    ]);
    expect([...labels.values()]).toEqual(['Agent-Smith', 'recordings', 'recordings-2', 'front-desk']);
    for (const label of labels.values()) expect(label).not.toContain('/');
  });
});
