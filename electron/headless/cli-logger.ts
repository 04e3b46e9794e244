// The CLI's logger on stderr: JSON lines for log collectors (systemd, a file, a pipe), and readable
// lines on a terminal so a person starting `callrelay serve` does not read JSON between the URLs it
// prints. pino-pretty runs in this process and writes synchronously, so a line is out before exit.
import pino from 'pino';
import pretty from 'pino-pretty';

export interface CliLoggerOptions {
  level?: string;
  /** Whether stderr is a terminal; readable lines only then (a pipe or a file gets JSON). */
  tty?: boolean;
  /** `LOG_FORMAT=json` keeps JSON on a terminal too; `pretty` forces readable lines. */
  format?: string;
  /** Where lines go: stderr (fd 2) unless a test passes a stream. */
  destination?: number | NodeJS.WritableStream;
}

export function createCliLogger(options: CliLoggerOptions = {}): pino.Logger {
  const level = options.level ?? 'info';
  const readable = options.format === 'pretty' || (options.format !== 'json' && options.tty === true);
  const destination = options.destination ?? 2;
  if (!readable) {
    const out = typeof destination === 'number' ? pino.destination(destination) : destination;
    return pino({ level, base: undefined }, out);
  }
  const stream = pretty({
    destination,
    sync: true,
    colorize: options.tty === true,
    translateTime: 'HH:MM:ss',
    ignore: 'pid,hostname',
  });
  return pino({ level, base: undefined }, stream);
}
