// Call details written next to a recording: `<name>.json`, `<name>.xml` (also `<name>.wav.json`
// and `<name>.wav.xml`) and a CSV manifest for the whole folder. Each is validated; a sidecar
// that cannot be read makes the recording wait for review with the reason, because silently
// sending it without its details would lose them.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import type { FieldIssue } from '../../../shared/model.js';
import type { FieldLayer, RawValue } from './call-fields.js';
import { createDirectoryNames, type DirectoryNames, type DirectoryNamesOptions } from './directory-names.js';
import { checkTimeZone } from './zoned-time.js';

/** Manifest file names looked for in the recording's folder, first found wins. */
export const manifestNames = ['manifest.csv', 'callrelay.csv'];
/** Sidecar extensions; files with these are never taken for recordings. */
export const sidecarExtensions = ['.json', '.xml', '.csv'];

const aliases: Record<string, string> = {
  callid: 'callId',
  uniqueid: 'callId',
  groupingid: 'groupingId',
  from: 'from',
  caller: 'from',
  callernumber: 'from',
  callerid: 'from',
  to: 'to',
  callee: 'to',
  callednumber: 'to',
  dialednumber: 'to',
  dialled: 'to',
  did: 'to',
  remote: 'remote',
  direction: 'direction',
  start: 'startTime',
  starttime: 'startTime',
  startedat: 'startTime',
  calltime: 'startTime',
  end: 'endTime',
  endtime: 'endTime',
  endedat: 'endTime',
  status: 'status',
  agentid: 'agentId',
  agent: 'agentId',
  userid: 'userId',
  user: 'userId',
  extensionid: 'extensionId',
  extension: 'extensionId',
  ext: 'extensionId',
  customername: 'customerName',
  customer: 'customerName',
  customerphone: 'customerPhone',
  orderid: 'orderId',
  order: 'orderId',
  campaignid: 'campaignId',
  campaign: 'campaignId',
  skillid: 'skillId',
  skill: 'skillId',
  channel: 'channel',
  notes: 'notes',
  note: 'notes',
  comment: 'notes',
};
const zoneKeys = new Set(['timezone', 'tz', 'timezoneid']);
const fileKeys = new Set(['file', 'filename', 'recording', 'name', 'path']);

const normaliseKey = (key: string) => key.toLowerCase().replace(/[\s_.-]/g, '');

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const SidecarObject = z.record(z.string(), z.unknown(), {
  error: 'expected an object of call fields such as {"from": "+15550000000", "direction": "inbound"}',
});

export interface SidecarReading {
  /** Lowest precedence first: manifest, XML, JSON. */
  layers: FieldLayer[];
  /** Values that were ignored or did not read; the recording can still go. */
  issues: FieldIssue[];
  /** Sidecars that could not be read at all; the recording must wait for a person. */
  blocking: string[];
}

function toLayer(label: string, object: Record<string, unknown>, issues: FieldIssue[]): FieldLayer {
  const values: Record<string, RawValue> = {};
  const layer: FieldLayer = { source: 'sidecar', label, values };
  for (const [key, value] of Object.entries(object)) {
    const norm = normaliseKey(key);
    if (zoneKeys.has(norm)) {
      const text = String(value ?? '').trim();
      const problem = checkTimeZone(text);
      if (problem) issues.push({ field: 'startTime', message: `${label}: ${problem}` });
      else layer.timeZone = text;
      continue;
    }
    if (norm === 'extra' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const scalar = Scalar.safeParse(v);
        if (scalar.success && scalar.data !== null) values[`extra.${k}`] = scalar.data;
        else if (!scalar.success)
          issues.push({ field: `extra.${k}`, message: `${label}: extra.${k} is not a text value; ignored` });
      }
      continue;
    }
    const scalar = Scalar.safeParse(value);
    if (!scalar.success) {
      issues.push({ field: key, message: `${label}: "${key}" holds a list or object, not a value; ignored` });
      continue;
    }
    if (scalar.data === null || fileKeys.has(norm)) continue;
    values[aliases[norm] ?? `extra.${key}`] = scalar.data;
  }
  return layer;
}

async function sizeIfExists(file: string): Promise<number | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw error;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.slice(0, 200) ?? message;
}

function readJson(label: string, text: string, out: SidecarReading): void {
  let data: unknown;
  try {
    data = JSON.parse(stripBom(text));
  } catch (error) {
    out.blocking.push(
      `${label} is not valid JSON (${firstLine((error as Error).message)}); fix or delete it, then retry the job`,
    );
    return;
  }
  const parsed = SidecarObject.safeParse(data);
  if (!parsed.success || Array.isArray(data)) {
    out.blocking.push(
      `${label} must hold one JSON object of call fields such as {"from": "+15550000000"}; fix it, then retry the job`,
    );
    return;
  }
  out.layers.push(toLayer(label, parsed.data, out.issues));
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  trimValues: true,
});

function readXml(label: string, text: string, out: SidecarReading): void {
  // Entities and DTDs are never resolved (no file or URL is ever read for them); a sidecar that
  // declares one is refused outright, so what it would have said never half-applies.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    out.blocking.push(
      `${label} declares a DTD or entities (<!DOCTYPE …>), which CallRelay does not read; remove the declaration, then retry the job`,
    );
    return;
  }
  const valid = XMLValidator.validate(stripBom(text));
  if (valid !== true) {
    out.blocking.push(
      `${label} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}); fix or delete it, then retry the job`,
    );
    return;
  }
  const doc = xmlParser.parse(stripBom(text)) as Record<string, unknown>;
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?'));
  const root = roots.length === 1 ? doc[roots[0] as string] : undefined;
  const parsed = SidecarObject.safeParse(root);
  if (!parsed.success) {
    out.blocking.push(
      `${label} must have one root element holding call fields, e.g. <call><from>+15550000000</from></call>; fix it, then retry the job`,
    );
    return;
  }
  out.layers.push(toLayer(label, parsed.data, out.issues));
}

interface ManifestEntry {
  key: string;
  rows: Map<string, Record<string, string>> | null;
  error: string | null;
}

/**
 * Caches parsed manifests by path, size and mtime, so a folder of 10,000 files parses it once, and
 * which names a settled folder holds (directory-names.ts), so absent sidecars cost no look-up.
 */
export interface ManifestCache extends DirectoryNames {
  /** `present`: the folder's names when the caller already asked for them. */
  get(
    dir: string,
    present?: ReadonlySet<string> | null,
  ): Promise<{ file: string; rows: Map<string, Record<string, string>> | null; error: string | null } | null>;
}

export function createManifestCache(options: DirectoryNamesOptions = {}): ManifestCache {
  const entries = new Map<string, ManifestEntry & { file: string }>();
  const listings = createDirectoryNames(options);
  return {
    names: listings.names,
    async get(dir, known) {
      const present = known === undefined ? await listings.names(dir) : known;
      for (const name of manifestNames) {
        if (present && !present.has(name)) continue;
        const file = path.join(dir, name);
        let info;
        try {
          info = await stat(file);
        } catch {
          continue;
        }
        const key = `${info.size}:${info.mtimeMs}`;
        const cached = entries.get(file);
        if (cached && cached.key === key) return cached;
        const entry = { file, key, ...(await parseManifest(file, name)) };
        if (entries.size > 1000) entries.clear();
        entries.set(file, entry);
        return entry;
      }
      return null;
    },
  };
}

async function parseManifest(
  file: string,
  label: string,
): Promise<{ rows: Map<string, Record<string, string>> | null; error: string | null }> {
  try {
    const text = await readFile(file, 'utf8');
    const records = parseCsv(stripBom(text), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as Record<string, string>[];
    const rows = new Map<string, Record<string, string>>();
    const header = records[0] ? Object.keys(records[0]) : [];
    const fileColumn = header.find((h) => fileKeys.has(normaliseKey(h)));
    if (records.length > 0 && !fileColumn) {
      return {
        rows: null,
        error: `${label} has no file column; its first line must name the columns, one of them "file" (the recording's file name)`,
      };
    }
    for (const record of records) {
      const name = record[fileColumn as string];
      if (name) rows.set(path.basename(name).toLowerCase(), record);
    }
    return { rows, error: null };
  } catch (error) {
    return {
      rows: null,
      error: `${label} is not a readable CSV manifest (${firstLine((error as Error).message)}); fix it, then retry the job`,
    };
  }
}

/** Larger than any call's fields: a sidecar this big is not one (and is not read into memory). */
export const SIDECAR_MAX_BYTES = 1024 * 1024;

/** Reads every sidecar that exists for the recording. Never throws for a sidecar's content. */
export async function readSidecars(recordingPath: string, manifests: ManifestCache): Promise<SidecarReading> {
  const out: SidecarReading = { layers: [], issues: [], blocking: [] };
  const dir = path.dirname(recordingPath);
  const base = path.basename(recordingPath);
  const ext = path.extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;

  const present = await manifests.names(dir);
  const manifest = await manifests.get(dir, present);
  if (manifest?.error) out.blocking.push(manifest.error);
  const row = manifest?.rows?.get(base.toLowerCase());
  if (row) out.layers.push(toLayer(path.basename(manifest!.file), row, out.issues));

  for (const [kind, read] of [
    ['xml', readXml],
    ['json', readJson],
  ] as const) {
    for (const candidate of new Set([`${stem}.${kind}`, `${base}.${kind}`])) {
      if (present && !present.has(candidate.toLowerCase())) continue;
      let text: string | null;
      try {
        const size = await sizeIfExists(path.join(dir, candidate));
        if (size !== null && size > SIDECAR_MAX_BYTES) {
          out.blocking.push(
            `${candidate} is ${Math.ceil(size / 1024)} KiB, more than a sidecar of call fields can be (limit ${SIDECAR_MAX_BYTES / 1024} KiB); shorten or delete it, then retry the job`,
          );
          continue;
        }
        text = size === null ? null : await readIfExists(path.join(dir, candidate));
      } catch (error) {
        out.blocking.push(`${candidate} could not be read (${(error as Error).message}); check its permissions`);
        continue;
      }
      if (text === null) continue;
      try {
        read(candidate, text, out);
      } catch (error) {
        // Whatever the parser refuses, the recording waits for a person with the reason.
        out.blocking.push(
          `${candidate} was refused (${firstLine((error as Error).message)}); fix or delete it, then retry the job`,
        );
      }
    }
  }
  return out;
}
