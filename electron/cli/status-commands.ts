// `callrelay status` and `enqueue`: what the outbox holds, and files queued from the command line.
import fs from 'node:fs';
import path from 'node:path';
import { HEALTH_KEY, parseSavedHealth } from '../core/engine/destination-health.js';
import { outboxFile } from '../core/config/default-paths.js';
import { createLogger, dataDirOf, load, UsageError, type Values } from './cli-common.js';

/** Free space of the data folder's disk, as `status` reports it (the running host shows the same). */
function diskStatus(dataDir: string): { freeMb: number | null; full: boolean } {
  try {
    const s = fs.statfsSync(dataDir);
    const free = s.bavail * s.bsize;
    return { freeMb: Math.floor(free / (1024 * 1024)), full: free < 1024 * 1024 };
  } catch {
    return { freeMb: null, full: false };
  }
}

export async function status(values: Values): Promise<void> {
  const dataDir = dataDirOf(values);
  const file = outboxFile(dataDir);
  if (!fs.existsSync(file)) throw new UsageError(`No outbox at ${file}: nothing was queued yet, or --data is wrong.`);
  // Read-only first, as found: a damaged outbox must not be hidden by opening it for writing. The
  // counts come from the counters the triggers keep, without the integrity check, pino or zod; an
  // outbox the quick read cannot use is opened properly (migrated, or its problem reported).
  const [{ readStateCounts, readMeta }, { inspectOutbox }, { jobStates }] = await Promise.all([
    load.outboxStatus(),
    load.inspection(),
    load.jobStates(),
  ]);
  const { recovery } = inspectOutbox(file, { integrity: false });
  const quick = readStateCounts(file);
  const outbox = quick
    ? null
    : (await load.outbox()).openOutbox({ file, clock: { now: () => Date.now() }, logger: await createLogger() });
  try {
    const counts = quick ?? outbox!.counts();
    // As the engine last saw them (a running serve keeps this up to date).
    const destinations = parseSavedHealth(outbox ? outbox.getMeta(HEALTH_KEY) : readMeta(file, HEALTH_KEY));
    if (values.json) {
      console.log(
        JSON.stringify({
          dataDir,
          counts,
          destinations,
          recovery: recovery.message ? recovery : null,
          disk: diskStatus(dataDir),
        }),
      );
    } else {
      for (const state of jobStates) console.log(`${state.padEnd(14)} ${counts[state]}`);
      for (const d of destinations) {
        console.log(
          `${d.name}: ${d.health}${d.since ? ` since ${d.since}` : ''}${d.lastError ? ` (${d.lastError})` : ''}`,
        );
      }
      if (recovery.message) console.log(`\n${recovery.behind ? 'WARNING' : 'note'}: ${recovery.message}`);
      const disk = diskStatus(dataDir);
      if (disk.full) console.log(`\nWARNING: the data folder's disk is full (${disk.freeMb} MB free); free some space`);
    }
  } finally {
    outbox?.close();
  }
}

export async function enqueue(values: Values, files: string[]): Promise<void> {
  if (files.length === 0) throw new UsageError('Name at least one file to enqueue.');
  const destination = values.destination as string | undefined;
  if (!destination) throw new UsageError('Choose a destination with --destination NAME.');
  const dataDir = dataDirOf(values);
  const { createCore } = await load.core();
  const core = createCore({ dataDir, configFile: values.config as string | undefined, logger: await createLogger() });
  try {
    const reply = await core.dispatcher.dispatch('files:enqueue', {
      paths: files.map((f) => path.resolve(f)),
      destination,
    });
    if (!reply.ok) throw new UsageError(reply.error.message);
    const value = reply.value as { queued: number; duplicates: number; errors: { path: string; message: string }[] };
    console.log(`queued ${value.queued}, already known ${value.duplicates}`);
    for (const e of value.errors) console.error(`${e.path}: ${e.message}`);
    if (value.errors.length > 0) process.exitCode = 1;
  } finally {
    await core.stop();
  }
}
