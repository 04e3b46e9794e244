// The desktop's log: pino to a file in the user's log folder (and to stdout when not packaged),
// behind the redacting wrapper so no known secret reaches either.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { Logger } from '../core/logger.js';
import { createRedactingLogger } from '../core/secrets/redacting-logger.js';

function adapt(p: pino.Logger): Logger {
  return {
    debug: (obj, msg) => (typeof obj === 'string' ? p.debug(obj) : p.debug(obj, msg)),
    info: (obj, msg) => (typeof obj === 'string' ? p.info(obj) : p.info(obj, msg)),
    warn: (obj, msg) => (typeof obj === 'string' ? p.warn(obj) : p.warn(obj, msg)),
    error: (obj, msg) => (typeof obj === 'string' ? p.error(obj) : p.error(obj, msg)),
    child: (bindings) => adapt(p.child(bindings)),
  };
}

export function createAppLogger(options: {
  logDir: string;
  toStdout: boolean;
  level?: string;
  getSecrets: () => readonly string[];
}): { logger: Logger; flush(): void } {
  fs.mkdirSync(options.logDir, { recursive: true, mode: 0o700 });
  const file = pino.destination({ dest: path.join(options.logDir, 'callrelay.log'), mkdir: true, sync: false });
  const streams: pino.StreamEntry[] = [{ stream: file }];
  if (options.toStdout) streams.push({ stream: process.stdout });
  const base = pino({ level: options.level ?? 'info', base: { app: 'callrelay' } }, pino.multistream(streams));
  return {
    logger: createRedactingLogger(adapt(base), options.getSecrets),
    flush: () => file.flushSync(),
  };
}
