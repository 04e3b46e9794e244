// Emulated add-calls (seed 004): POST /add-calls/api/add-calls, multipart/form-data with the
// api_key form field, the `call` file (or audio_url) and optional fields. The file is hashed as it
// streams in and never kept. Errors are `{success: false, error}`.
import crypto from 'node:crypto';
import busboy from 'busboy';
import type { Exchange } from '../exchange.js';
import { mask } from '../exchange.js';
import { singleRoutePlatform } from '../sandbox-platform.js';

export const ADD_CALLS_MAX_BYTES = 500 * 1024 * 1024;
const FORMATS = new Map([
  ['.mp3', ['audio/mpeg', 'audio/mp3']],
  ['.wav', ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave']],
  ['.m4a', ['audio/mp4', 'audio/x-m4a', 'audio/m4a', 'audio/aac']],
  ['.webm', ['audio/webm', 'video/webm']],
  ['.mp4', ['audio/mp4', 'video/mp4']],
]);
const OPTIONAL = new Set(['customer_name', 'user_id', 'extension_id', 'order_id']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface FilePart {
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  truncated: boolean;
}

export function createAddCallsApi(options: { apiKey: string }) {
  const calls: Record<string, unknown>[] = [];

  function fail(ex: Exchange, status: number, error: string) {
    ex.send(status, { success: false, error });
  }

  async function handle(ex: Exchange): Promise<void> {
    const { req } = ex;
    if (!(req.method === 'POST' && ex.path.replace(/\/+$/, '') === '/api/add-calls')) {
      req.resume();
      return fail(ex, 404, `Not found: ${req.method} ${ex.path}`);
    }
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) {
      req.resume();
      return fail(ex, 415, 'Content-Type must be multipart/form-data');
    }
    const started = Date.now();
    const fields: Record<string, string> = {};
    const files: Record<string, FilePart> = {};
    const problems: string[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: ADD_CALLS_MAX_BYTES, files: 2, fields: 20 } });
    } catch (error) {
      req.resume();
      return fail(ex, 400, `Malformed multipart body: ${(error as Error).message}`);
    }
    const done = new Promise<boolean>((resolve) => {
      parser.on('field', (name, value) => {
        if (name in fields) problems.push(`field ${name} given twice`);
        fields[name] = value;
      });
      parser.on('file', (name, stream, info) => {
        const hash = crypto.createHash('sha256');
        const part: FilePart = {
          fileName: info.filename,
          contentType: info.mimeType,
          size: 0,
          sha256: '',
          truncated: false,
        };
        stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          part.size += chunk.length;
          ex.entry.bodyBytes += chunk.length;
        });
        stream.on('limit', () => {
          part.truncated = true;
        });
        stream.on('end', () => {
          part.sha256 = hash.digest('hex');
          files[name] = part;
        });
      });
      parser.on('close', () => resolve(true));
      parser.on('error', () => resolve(false));
      req.on('error', () => resolve(false));
      req.on('aborted', () => resolve(false));
    });
    req.pipe(parser);
    const ok = await done;
    ex.entry.body = {
      ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, k === 'api_key' ? mask(v) : v])),
      ...files,
    };
    if (!ok) {
      if (!req.complete) return; // the client went away mid-body
      return fail(ex, 400, 'Malformed multipart body');
    }

    if (!fields.api_key) return fail(ex, 401, 'api_key is required');
    if (fields.api_key !== options.apiKey) return fail(ex, 401, 'Invalid API key');
    for (const name of Object.keys(fields)) {
      if (name !== 'api_key' && name !== 'audio_url' && !OPTIONAL.has(name)) problems.push(`unknown field ${name}`);
    }
    for (const name of Object.keys(files)) if (name !== 'call') problems.push(`unexpected file field ${name}`);
    const file = files.call;
    if (!file && !fields.audio_url) problems.push('either call (file) or audio_url is required');
    if (file && fields.audio_url) problems.push('send call or audio_url, not both');
    if (fields.user_id !== undefined && !UUID.test(fields.user_id)) problems.push('user_id must be a UUID');
    for (const name of OPTIONAL) {
      if (fields[name] !== undefined && fields[name]!.trim() === '') problems.push(`${name} may not be empty`);
    }
    if (problems.length > 0) return fail(ex, 400, problems.join('; '));
    if (file) {
      if (file.truncated) return fail(ex, 413, 'File too large. Max file size: 500MB');
      const ext = (file.fileName.match(/\.[A-Za-z0-9]+$/)?.[0] ?? '').toLowerCase();
      const types = FORMATS.get(ext);
      if (!types) return fail(ex, 400, 'Unsupported file format. Supported formats: MP3, WAV, M4A, WebM, MP4');
      if (!types.includes(file.contentType.toLowerCase())) {
        return fail(ex, 400, `File type ${file.contentType} does not match the ${ext} extension`);
      }
      if (file.size === 0) return fail(ex, 400, 'The call file is empty');
    }
    const callId = crypto.randomUUID();
    const audioUrl = file
      ? `${ex.origin}/add-calls/audio/${callId}${file.fileName.match(/\.[A-Za-z0-9]+$/)?.[0] ?? ''}`
      : fields.audio_url!;
    calls.push({
      call_id: callId,
      customer_name: fields.customer_name ?? null,
      user_id: fields.user_id ?? null,
      extension_id: fields.extension_id ?? null,
      worker_id: fields.order_id ?? null,
      audio_url: audioUrl,
      file: file ?? null,
    });
    ex.send(201, {
      success: true,
      call_id: callId,
      message: 'Call uploaded successfully and queued for processing',
      audio_url: audioUrl,
      duration_seconds: file ? Math.max(1, Math.round(file.size / 16_000)) : 0,
      processing_time_ms: Date.now() - started,
    });
  }

  return { handle, calls: () => calls.map((c) => ({ ...c })) };
}

/** What the emulation accepts, and a destination that works against it. */
export const addCallsPlatform = singleRoutePlatform({
  kind: 'add-calls',
  credentials: { apiKey: 'sandbox-add-calls-key-c7a9' },
  create: createAddCallsApi,
});
