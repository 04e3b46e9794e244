// What the PBX knows beyond the file name: the call record (CDR) and who sits at an extension (the
// agent directory). Both become field layers for call-fields.ts, at their place in the order of
// precedence — form > sidecar > CDR > file name > agent directory > folder defaults — so a value
// a person or a sidecar gave is never overridden, and a directory entry never beats the name.
import path from 'node:path';
import type { AgentDirectoryConfig, CdrConfig, FolderConfig } from '../../../shared/config.js';
import type { FieldIssue } from '../../../shared/model.js';
import type { Logger } from '../logger.js';
import { chainDirectories, createAgentDirectory, type AgentDirectory } from './agent-directory.js';
import { normaliseFields, type FieldContext, type FieldLayer, type RawValue } from './call-fields.js';
import {
  createCsvCdrSource,
  createMysqlCdrSource,
  lookupCdr,
  reasonOf,
  type CdrRecord,
  type CdrSource,
} from './cdr-lookup.js';
import { parseTimeValue } from './zoned-time.js';

export interface CallEnrichment {
  agents: AgentDirectory | null;
  cdr: { source: CdrSource; waitMs: number; pollMs: number } | null;
  /** The folder's enrichment is set up wrong (a bad CDR address): noted on every recording. */
  problem: string | null;
  /** Ends waits for call records (the host is stopping). */
  signal?: AbortSignal | undefined;
}

export interface EnrichmentRegistry {
  forFolder(folder: Pick<FolderConfig, 'path' | 'agents' | 'cdr'>): CallEnrichment | undefined;
  /**
   * Ends every wait for a call record now: those recordings are not enqueued (describing them
   * rejects) and are taken again at the next start, with their record. Call before closing the
   * intake, so that stopping or saving the settings does not wait up to `waitMs`.
   */
  stopWaits(): void;
  /** Whether each folder's call records can be read (doctor). */
  checkCdr(folders: Pick<FolderConfig, 'path' | 'agents' | 'cdr'>[]): Promise<CdrCheck[]>;
  close(): Promise<void>;
}

export interface CdrCheck {
  folder: string;
  ok: boolean;
  message: string;
}

const isExtension = (value: string | undefined) => value !== undefined && /^\d{2,6}$/.test(value);

/** The extension a channel belongs to: PJSIP/102-0000002a, SIP/102-…, Local/102@from-queue-…;1 → 102. */
function channelExtension(channel: string | undefined): string | undefined {
  return channel ? /^(?:PJSIP|SIP|IAX2|DAHDI|Local)\/(\d{2,6})(?:[-@;]|$)/i.exec(channel)?.[1] : undefined;
}

/**
 * One set of directories and CDR pools per folder, built from the resolved config (secrets in
 * `cdr.mysql` already read). CSV paths are relative to `baseDir`, the config file's folder.
 */
export function createEnrichmentRegistry(options: {
  globalAgents?: AgentDirectoryConfig | undefined;
  baseDir: string;
  logger?: Logger;
}): EnrichmentRegistry {
  const abort = new AbortController();
  const global = options.globalAgents
    ? createAgentDirectory(options.globalAgents, options.baseDir, 'the global agent map')
    : null;
  const byFolder = new Map<string, CallEnrichment>();

  function build(folder: Pick<FolderConfig, 'path' | 'agents' | 'cdr'>): CallEnrichment {
    const own = folder.agents ? createAgentDirectory(folder.agents, options.baseDir, "the folder's agent map") : null;
    const enrichment: CallEnrichment = {
      agents: chainDirectories([own, global].filter((d): d is AgentDirectory => d !== null)),
      cdr: null,
      problem: null,
      signal: abort.signal,
    };
    const cdr: CdrConfig | undefined = folder.cdr;
    if (cdr) {
      try {
        const source =
          'mysql' in cdr
            ? createMysqlCdrSource({ dsn: cdr.mysql, table: cdr.table, timeoutMs: cdr.timeoutMs })
            : createCsvCdrSource(path.resolve(options.baseDir, cdr.csv));
        enrichment.cdr = { source, waitMs: cdr.waitMs, pollMs: cdr.pollMs };
      } catch (error) {
        enrichment.problem = `the folder's cdr setting: ${(error as Error).message}`;
        options.logger?.warn({ folder: folder.path, err: (error as Error).message }, 'CDR lookups are off');
      }
    }
    return enrichment;
  }

  return {
    forFolder(folder) {
      if (!folder.agents && !folder.cdr && !global) return undefined;
      const key = path.resolve(folder.path);
      let enrichment = byFolder.get(key);
      if (!enrichment) byFolder.set(key, (enrichment = build(folder)));
      return enrichment;
    },
    stopWaits() {
      abort.abort();
    },
    async checkCdr(folders) {
      const checks: CdrCheck[] = [];
      for (const folder of folders) {
        if (!folder.cdr) continue;
        const enrichment = this.forFolder(folder);
        if (!enrichment?.cdr) {
          checks.push({ folder: folder.path, ok: false, message: enrichment?.problem ?? 'CDR lookups are off' });
          continue;
        }
        const { source } = enrichment.cdr;
        try {
          await source.check();
          checks.push({ folder: folder.path, ok: true, message: `${source.label} can be read` });
        } catch (error) {
          checks.push({
            folder: folder.path,
            ok: false,
            message: `${source.label} cannot be read (${reasonOf(error)})`,
          });
        }
      }
      return checks;
    },
    async close() {
      abort.abort();
      await Promise.all([...byFolder.values()].map((e) => e.cdr?.source.close()));
      byFolder.clear();
    },
  };
}

/** A call record as a layer: numbers, caller name, the PBX's start time, and its own columns. */
export function cdrLayer(record: CdrRecord, label: string, timeZone: string): FieldLayer {
  const values: Record<string, RawValue> = {};
  if (record.src) values.from = record.src;
  if (record.dst && record.dst !== 's') values.to = record.dst;
  // The caller's name is the customer's when the call came from outside, the agent's otherwise.
  if (record.cnam) {
    if (isExtension(record.src)) values['extra.agentName'] = record.cnam;
    else values.customerName = record.cnam;
  }
  // The agent's extension is on the agent's channel: the caller's when an extension called out,
  // the answering one otherwise (dst may be a queue or ring group number, not a person).
  const agentExtension = isExtension(record.src)
    ? channelExtension(record.channel)
    : channelExtension(record.dstchannel);
  if (agentExtension) values.extensionId = agentExtension;
  if (record.calldate && 'ms' in parseTimeValue(record.calldate, timeZone)) values.startTime = record.calldate;
  for (const key of ['disposition', 'duration', 'billsec', 'accountcode', 'linkedid', 'did'] as const) {
    const value = record[key];
    if (value) values[`extra.${key}`] = value;
  }
  return { source: 'cdr', label, values, timeZone };
}

export interface EnrichedLayers {
  layers: FieldLayer[];
  issues: FieldIssue[];
}

/**
 * Adds the CDR and agent-directory layers to the others (given lowest first: folder defaults,
 * file name, sidecars, form). The call id the others give is the CDR key; the extension the
 * result gives (from the name or the CDR) is the directory key.
 */
export async function enrichLayers(
  layers: FieldLayer[],
  ctx: FieldContext,
  enrichment: CallEnrichment,
): Promise<EnrichedLayers> {
  const issues: FieldIssue[] = [];
  if (enrichment.problem) issues.push({ field: 'cdr', message: enrichment.problem });
  const below = layers.filter((l) => l.source === 'folder-default' || l.source === 'filename');
  const above = layers.filter((l) => !below.includes(l));
  let middle: FieldLayer[] = [];

  if (enrichment.cdr) {
    const first = normaliseFields(layers, ctx).call;
    if (first.callId) {
      const result = await lookupCdr(enrichment.cdr.source, first.callId, {
        waitMs: enrichment.cdr.waitMs,
        pollMs: enrichment.cdr.pollMs,
        signal: enrichment.signal,
      });
      if (result.found) middle = [cdrLayer(result.record, `${enrichment.cdr.source.label}`, ctx.timeZone)];
      else issues.push({ field: 'cdr', message: result.reason });
    }
  }

  let directoryLayer: FieldLayer[] = [];
  if (enrichment.agents) {
    const extension = normaliseFields([...below, ...middle, ...above], ctx).call.extensionId;
    // Folder defaults do not count: saying who took each call is what the directory is for.
    const merged = normaliseFields(
      [...below.filter((l) => l.source !== 'folder-default'), ...middle, ...above],
      ctx,
    ).call;
    if (extension && (merged.agentId === undefined || merged.userId === undefined)) {
      const found = await enrichment.agents.lookup(extension);
      if (found.found) {
        const values: Record<string, RawValue> = {};
        if (found.agent.agentId) values.agentId = found.agent.agentId;
        if (found.agent.userId) values.userId = found.agent.userId;
        if (found.agent.name) values['extra.agentName'] = found.agent.name;
        directoryLayer = [{ source: 'directory', label: found.label, values }];
      } else if (merged.agentId === undefined && merged.userId === undefined) {
        // Only a note here: it holds the call for review only where the destination needs the agent.
        issues.push({
          field: 'agentId',
          message:
            found.error ??
            `extension ${extension} is not in the agent directory (${found.label}); add it there, or fill in the agent`,
        });
      }
    }
  }

  const defaults = below.filter((l) => l.source === 'folder-default');
  const named = below.filter((l) => l.source === 'filename');
  return { layers: [...defaults, ...directoryLayer, ...named, ...middle, ...above], issues };
}
