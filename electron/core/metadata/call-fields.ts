// Turns raw call details from every source (form, sidecars, CDR, file name, agent directory,
// folder defaults) into one canonical CallDraft. Sources are layered; for each field the highest
// layer whose value reads cleanly wins, and a value that does not read is reported (with where it
// came from) while the next layer's value is used instead, so one bad value never hides a good one.
import type { CallDraft, FieldIssue } from '../../../shared/model.js';
import { readPhoneNumber } from '../../../shared/phone-number.js';
import { localToUtcMs, parseTimeValue, toIsoUtc, type LocalDateTime } from './zoned-time.js';

export type FieldSource =
  | 'form'
  | 'sidecar'
  | 'cdr'
  | 'filename'
  | 'directory'
  | 'folder-default'
  | 'probe'
  | 'mtime'
  | 'content-hash'
  | 'derived';

export type RawValue = string | number | boolean;

export interface FieldLayer {
  source: FieldSource;
  /** Where the values came from, for messages: "the file name", "call1.json". */
  label: string;
  /** Canonical field names, "remote" and "extra.<key>"; values as written. */
  values: Record<string, RawValue>;
  /** Zone for local times in this layer, overriding the folder's. */
  timeZone?: string;
  /** A start time the layer already resolved to a wall-clock reading or an instant. */
  startLocal?: LocalDateTime;
  startEpochMs?: number;
}

export interface FieldContext {
  timeZone: string;
  region: string | undefined;
}

export interface NormalisedFields {
  call: Partial<CallDraft>;
  sources: Record<string, FieldSource>;
  issues: FieldIssue[];
}

const plainText = [
  'callId',
  'groupingId',
  'agentId',
  'userId',
  'extensionId',
  'customerName',
  'orderId',
  'campaignId',
  'skillId',
  'channel',
] as const;

const knownFields = new Set<string>([
  ...plainText,
  'from',
  'to',
  'customerPhone',
  'remote',
  'direction',
  'status',
  'startTime',
  'endTime',
  'notes',
]);

const directionWords: Record<string, 'inbound' | 'outbound' | 'unknown'> = {
  in: 'inbound',
  i: 'inbound',
  inbound: 'inbound',
  incoming: 'inbound',
  out: 'outbound',
  o: 'outbound',
  outbound: 'outbound',
  outgoing: 'outbound',
  unknown: 'unknown',
  internal: 'unknown',
};

const statusWords: Record<string, 'completed' | 'in-progress'> = {
  completed: 'completed',
  complete: 'completed',
  done: 'completed',
  finished: 'completed',
  'in-progress': 'in-progress',
  in_progress: 'in-progress',
  inprogress: 'in-progress',
  live: 'in-progress',
  ongoing: 'in-progress',
};

type Reading<T> = { value: T; extension?: undefined } | { extension: string; value?: undefined } | { error: string };

function readField(field: string, raw: RawValue, layer: FieldLayer, ctx: FieldContext): Reading<string> {
  const text = String(raw).trim();
  if (text === '') return { error: 'the value is empty' };
  switch (field) {
    case 'from':
    case 'to':
    case 'customerPhone':
    case 'remote': {
      const phone = readPhoneNumber(text, ctx.region);
      if ('e164' in phone) return { value: phone.e164 };
      if ('extension' in phone) {
        return field === 'from' || field === 'to'
          ? { extension: phone.extension }
          : { error: `"${text}" looks like an extension, not a phone number` };
      }
      return phone;
    }
    case 'direction': {
      const d = directionWords[text.toLowerCase()];
      return d ? { value: d } : { error: `"${text}" is not a direction; use inbound or outbound` };
    }
    case 'status': {
      const s = statusWords[text.toLowerCase()];
      return s ? { value: s } : { error: `"${text}" is not a call status; use completed or in-progress` };
    }
    case 'startTime':
    case 'endTime': {
      const t = parseTimeValue(text, layer.timeZone ?? ctx.timeZone);
      return 'ms' in t ? { value: toIsoUtc(t.ms) } : t;
    }
    case 'notes':
      return { value: String(raw) };
    default:
      if (field === 'callId' || field === 'groupingId') {
        if (text.length > 200) return { error: `the value is ${text.length} characters long; the limit is 200` };
      }
      return { value: text };
  }
}

function layerStart(layer: FieldLayer, ctx: FieldContext): Reading<string> | undefined {
  if (layer.startEpochMs !== undefined) return { value: toIsoUtc(layer.startEpochMs) };
  if (layer.startLocal) return { value: toIsoUtc(localToUtcMs(layer.startLocal, layer.timeZone ?? ctx.timeZone)) };
  return undefined;
}

/**
 * Merges layers given lowest precedence first (folder defaults, file name, sidecars, form).
 * The returned call has no callId unless a layer supplied one, and no times unless a layer did.
 */
export function normaliseFields(layers: FieldLayer[], ctx: FieldContext): NormalisedFields {
  const issues: FieldIssue[] = [];
  const sources: Record<string, FieldSource> = {};
  const resolved: Record<string, string> = {};
  const extensions: { from?: { value: string; source: FieldSource }; to?: { value: string; source: FieldSource } } = {};
  const top = [...layers].reverse();
  const fieldNames = new Set<string>(['startTime']);
  for (const layer of layers) {
    for (const key of Object.keys(layer.values)) {
      if (knownFields.has(key) || key.startsWith('extra.')) fieldNames.add(key);
      else issues.push({ field: key, message: `${layer.label}: "${key}" is not a call field and was ignored` });
    }
  }

  for (const field of fieldNames) {
    for (const layer of top) {
      let reading: Reading<string> | undefined;
      if (field === 'startTime' && !(field in layer.values)) reading = layerStart(layer, ctx);
      else if (field in layer.values) reading = readField(field, layer.values[field] as RawValue, layer, ctx);
      if (!reading) continue;
      if ('error' in reading) {
        issues.push({ field, message: `${layer.label}: ${reading.error}` });
        continue;
      }
      if (reading.extension !== undefined) {
        extensions[field as 'from' | 'to'] = { value: reading.extension, source: layer.source };
      } else {
        resolved[field] = reading.value;
        sources[field] = layer.source;
      }
      break;
    }
  }

  // A 2–6 digit "phone number" is a PBX extension: it names the agent's side of the call.
  const ext = extensions.from ?? extensions.to;
  if (ext && resolved.extensionId === undefined) {
    resolved.extensionId = ext.value;
    sources.extensionId = ext.source;
  }
  if (resolved.direction === undefined) {
    if (extensions.from && !extensions.to && resolved.to !== undefined) {
      resolved.direction = 'outbound';
      sources.direction = 'derived';
    } else if (extensions.to && !extensions.from && resolved.from !== undefined) {
      resolved.direction = 'inbound';
      sources.direction = 'derived';
    }
  }
  const remote = resolved.remote;
  if (remote !== undefined) {
    const side = resolved.direction === 'inbound' ? 'from' : resolved.direction === 'outbound' ? 'to' : null;
    if (side && resolved[side] === undefined) {
      resolved[side] = remote;
      sources[side] = sources.remote as FieldSource;
    }
    if (resolved.customerPhone === undefined) {
      resolved.customerPhone = remote;
      sources.customerPhone = sources.remote as FieldSource;
    }
    delete resolved.remote;
    delete sources.remote;
  }
  if (resolved.customerPhone === undefined) {
    const other =
      resolved.direction === 'inbound' ? resolved.from : resolved.direction === 'outbound' ? resolved.to : undefined;
    if (other !== undefined) {
      resolved.customerPhone = other;
      sources.customerPhone = 'derived';
    }
  }

  const call: Partial<CallDraft> = {};
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(resolved)) {
    if (key.startsWith('extra.')) extra[key.slice('extra.'.length)] = value;
    else (call as Record<string, string>)[key] = value;
  }
  // Values that did not read are kept in `extra` so nothing the recorder wrote is lost.
  for (const field of ['from', 'to'] as const) {
    const ext = extensions[field];
    if (ext && call[field] === undefined && ext.value !== call.extensionId) extra[`${field}Extension`] = ext.value;
  }
  if (Object.keys(extra).length > 0) call.extra = extra;
  for (const name of plainText) if (call[name] === '') delete call[name];
  return { call, sources, issues };
}
