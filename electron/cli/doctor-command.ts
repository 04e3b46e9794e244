// `callrelay doctor`: checks an installation step by step (Node, SQLite, data folder, UI, outbox,
// config, every destination's network path) and, with --json, the network report for support.
import fs from 'node:fs';
import path from 'node:path';
import type { NetworkReport, SettingsView } from '../../shared/contract.js';
import { configFile as defaultConfigFile, outboxFile } from '../core/config/default-paths.js';
import type { Core } from '../core/create-core.js';
import { createLogger, dataDirOf, load, type CliContext, type Values } from './cli-common.js';

/** Each network step on its own indented line: name, outcome, time, what it found. */
function describeSteps(d: NetworkReport['destinations'][number]): string[] {
  return d.steps.map((s) => {
    const ms = s.ms === null ? '' : `${s.ms.toFixed(1)} ms`;
    return `       ${s.step.padEnd(8)} ${s.status.padEnd(8)} ${ms.padStart(10)}  ${s.detail}`;
  });
}

/** The report is for support tickets: no secret value may survive in it, whatever step said it. */
function redactAll(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

export async function doctor(values: Values, context: CliContext): Promise<void> {
  const dataDir = dataDirOf(values);
  const file = (values.config as string | undefined) ?? defaultConfigFile(dataDir);
  let failed = false;
  let jsonReport: string | null = null;
  // --json prints only the network report on stdout; the checks go to stderr.
  const out = values.json ? console.error : console.log;
  const report = (ok: boolean, what: string) => {
    if (!ok) failed = true;
    out(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  };
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  report(major > 20 || (major === 20 && minor >= 19), `Node.js ${process.versions.node} (needs 20.19 or newer)`);
  try {
    const { default: Database } = await import('better-sqlite3');
    new Database(':memory:').close();
    report(true, 'better-sqlite3 loads');
  } catch (error) {
    report(false, `better-sqlite3 does not load (${(error as Error).message}); run: npm rebuild better-sqlite3`);
  }
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK);
    report(true, `data folder ${dataDir} is writable`);
  } catch (error) {
    report(false, `data folder ${dataDir}: ${(error as Error).message}`);
  }
  report(fs.existsSync(path.join(context.rendererDir, 'index.html')), 'user interface built (npm run build:renderer)');
  const [{ OutboxOpenError, setAsideOutbox }, { inspectOutbox }] = await Promise.all([
    load.outbox(),
    load.inspection(),
  ]);
  const dbFile = outboxFile(dataDir);
  let outboxBroken = false;
  if (fs.existsSync(dbFile)) {
    // Read-only first: the report describes the outbox as found. Opening it for writing would
    // replay and checkpoint a cut WAL and so hide the damage before anyone had seen it.
    const found = inspectOutbox(dbFile);
    if (found.problem) {
      const error = new OutboxOpenError(dbFile, found.problem);
      if (values['set-aside-outbox']) {
        const kept = setAsideOutbox(dbFile);
        out(`ok   the broken outbox was moved to ${kept}; the next start begins with an empty queue`);
      } else {
        outboxBroken = true;
        report(false, error.message);
      }
    } else {
      report(true, `outbox ${dbFile} passes its quick check`);
      if (found.recovery.behind) {
        outboxBroken = true;
        report(
          false,
          `${found.recovery.message} Start CallRelay as usual: it reconciles these calls with the platforms ` +
            'before creating anything. Keep the outbox files as they are until then.',
        );
      } else if (found.recovery.message) {
        console.log(`note ${found.recovery.message}`);
      }
    }
  }
  let core: Core | null = null;
  if (outboxBroken) {
    console.log('skip config and destination checks: they open the outbox, which must stay as found for now');
    process.exitCode = 1;
    return;
  }
  const { ConfigError, readConfigFile } = await load.config();
  try {
    readConfigFile(file);
    const { createCore } = await load.core();
    core = createCore({ dataDir, configFile: file, logger: await createLogger() });
    report(true, `config ${file} is valid`);
    const settings = await core.dispatcher.dispatch('settings:get', {});
    const policy = settings.ok ? (settings.value as SettingsView).policy : null;
    if (policy) {
      const locked = policy.locked.length > 0 ? `locks ${policy.locked.join(', ')}` : 'recommends settings only';
      report(policy.error === null, policy.error ?? `managed policy ${policy.source} ${locked}`);
    }
    const network = await core.dispatcher.dispatch('network:diagnose', {});
    if (!network.ok) throw new Error(network.error.message);
    const value = network.value as NetworkReport;
    if (values.json) jsonReport = redactAll(JSON.stringify(value, null, 2), core.secretValues());
    for (const d of value.destinations) {
      const last = d.steps.at(-1);
      report(d.ok, `destination ${d.destination}: ${d.ok ? (last?.detail ?? 'ok') : d.firstFailure}`);
      for (const line of describeSteps(d)) out(line);
    }
    for (const check of await core.checkCdr()) report(check.ok, `CDR of folder ${check.folder}: ${check.message}`);
  } catch (error) {
    report(false, error instanceof ConfigError ? error.message : `config: ${(error as Error).message}`);
  } finally {
    await core?.stop();
  }
  if (values.json) console.log(jsonReport ?? JSON.stringify({ destinations: [], trust: [], error: 'no report' }));
  if (failed) process.exitCode = 1;
}
