// GET /api/recording/<job id>: the job's own recording for the page's player, with range
// requests (206, Content-Range) so a long call starts at once and seeks without a full download.
// The route takes a job id and nothing else: a query string (a "path" parameter, anything) is
// refused, and the file is the one the outbox recorded, checked by recording-source.ts.
import type http from 'node:http';
import type { RecordingSource } from '../../core/api/recording-source.js';

function refuse(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(JSON.stringify({ ok: false, error: { code: status === 404 ? 'not-found' : 'bad-input', message } }));
}

export function serveRecording(
  source: Pick<RecordingSource, 'open'>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  rawId: string,
): void {
  if ((req.url ?? '').includes('?')) {
    refuse(res, 400, 'The recording route takes a job id only, no parameters.');
    return;
  }
  const range = req.headers.range;
  source
    .open(rawId, { range, head: req.method === 'HEAD' })
    .then((answer) => {
      if (!answer.ok) {
        refuse(res, answer.status, answer.message, answer.headers);
        return;
      }
      res.writeHead(answer.status, answer.headers);
      if (!answer.body) {
        res.end();
        return;
      }
      answer.body.on('error', () => res.destroy());
      // A player that seeks closes its connection mid-range: stop reading the file then.
      res.on('close', () => answer.body?.destroy());
      answer.body.pipe(res);
    })
    .catch(() => {
      if (!res.headersSent) refuse(res, 500, 'The recording could not be read; see the log.');
      else res.destroy();
    });
}
