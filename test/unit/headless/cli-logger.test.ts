// Issue 14: on a terminal `callrelay serve` logs readable lines, not JSON between the URLs it
// prints; a pipe or a file (a log collector) still gets one JSON object per line.
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCliLogger } from '../../../electron/headless/cli-logger.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('CLI logger', () => {
  it('writes readable lines on a terminal', async () => {
    const out = capture();
    const logger = createCliLogger({ tty: true, destination: out.stream });
    logger.warn({ folder: '/srv/recordings' }, 'Folder rescanned');
    await new Promise((r) => setImmediate(r));
    const line = stripVTControlCharacters(out.text());
    expect(line).toMatch(/WARN.*Folder rescanned/);
    expect(line).toContain('folder: "/srv/recordings"');
    expect(line.trimStart().startsWith('{')).toBe(false);
  });

  it('writes JSON lines to a pipe, and on a terminal when LOG_FORMAT=json', async () => {
    for (const options of [{ tty: false }, { tty: true, format: 'json' }]) {
      const out = capture();
      createCliLogger({ ...options, destination: out.stream }).info({ jobs: 3 }, 'Started');
      await new Promise((r) => setImmediate(r));
      expect(JSON.parse(out.text().trim())).toMatchObject({ level: 30, msg: 'Started', jobs: 3 });
    }
  });
});
