// `callrelay serve | sandbox | enqueue | status | doctor | token` — the headless entry point. It
// parses the command line and hands over to the command's module (electron/cli/), which loads
// what it needs when it runs, so `--help` answers without loading any of them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultDataDir } from './core/config/default-paths.js';
import { UsageError, type CliContext } from './cli/cli-common.js';

// Paths from here: this file and its build (dist-cli/cli.js) both sit one folder below the root.
const here = path.dirname(fileURLToPath(import.meta.url));

function context(): CliContext {
  return { rendererDir: path.resolve(here, '..', 'dist', 'renderer'), version: appVersion() };
}

function appVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(here, '..', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

const USAGE = `callrelay — deliver call recordings to call-analytics platforms

Usage:
  callrelay serve [--config FILE] [--data DIR] [--host 127.0.0.1] [--port 4170] [--token T]
                  [--allow-host NAME]...
                  [--metrics-port N]
  callrelay serve --demo [--data DIR]      built-in sandbox, watches DIR/recordings
  callrelay token [--data DIR]             print the sign-in token of serve (owner only)
  callrelay sandbox [--host 127.0.0.1] [--port 4180]
  callrelay enqueue FILE... --destination NAME [--config FILE] [--data DIR]
  callrelay status [--data DIR] [--json]
  callrelay doctor [--config FILE] [--data DIR] [--set-aside-outbox] [--json]

Options:
  --data DIR      data folder (outbox, config); default ${defaultDataDir()}
                  (--demo defaults to ./callrelay-demo)
  --config FILE   config file; default DATA/config.json
  --host HOST     address to bind; anything but loopback requires --token
  --port N        port (0 picks a free one)
  --token T       the API token (default: made at first start, kept in DATA/serve-token);
                  env CALLRELAY_TOKEN. Clients send "Authorization: Bearer T"
  --token-file F  read the token from file F (a systemd credential, $CREDENTIALS_DIRECTORY/token,
                  is read without this option)
  --allow-host NAME  also answer to this Host name (a reverse proxy's, a DNS alias); repeatable
  --metrics-port N  also serve /metrics on 127.0.0.1:N without the token (for a local agent);
                  /metrics on the main port always needs the token
  --json          machine-readable output (doctor: the network report for support, secrets removed)
  --set-aside-outbox  (doctor) move a broken outbox aside as outbox.db.broken-<time>
  -h, --help      this help
`;

const options = {
  config: { type: 'string' },
  data: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  'metrics-port': { type: 'string' },
  'token-file': { type: 'string' },
  destination: { type: 'string' },
  demo: { type: 'boolean' },
  json: { type: 'boolean' },
  'set-aside-outbox': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // One module per command group, loaded when its command runs (a chunk of its own in the build).
  switch (command) {
    case 'serve':
      return (await import('./cli/serve-commands.js')).serve(values, context());
    case 'sandbox':
      return (await import('./cli/serve-commands.js')).sandboxCommand(values);
    case 'token':
      return (await import('./cli/serve-commands.js')).tokenCommand(values);
    case 'status':
      return (await import('./cli/status-commands.js')).status(values);
    case 'enqueue':
      return (await import('./cli/status-commands.js')).enqueue(values, positionals);
    case 'doctor':
      return (await import('./cli/doctor-command.js')).doctor(values, context());
    default:
      throw new UsageError(`Unknown command "${command}". Run callrelay --help.`);
  }
}

/**
 * Errors that are the person's to fix, shown as one line. Matched by class name: the classes live
 * in lazily loaded modules, and importing them here would load those for every failure.
 */
function isExpectedError(error: unknown): error is Error {
  const expected = ['ConfigError', 'HostStartError', 'TokenFileError', 'OutboxOpenError', 'StartupError'];
  return error instanceof Error && (expected.includes(error.name) || expected.includes(error.constructor.name));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || isExpectedError(error)) {
    console.error(`callrelay: ${error.message}`);
  } else if (error instanceof Error && 'code' in error && error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error(`callrelay: ${error.message}\n\n${USAGE}`);
  } else {
    console.error('callrelay: unexpected error:', error);
  }
  process.exit(1);
});
