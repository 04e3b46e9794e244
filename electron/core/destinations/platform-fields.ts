// From the canonical call to a platform's body and back to the canonical field names: a body is
// built from the destination's defaults (platform names) overlaid with the call's own values,
// then checked against the platform's zod schema; every issue is named by the canonical field a
// person can fix in the review form, or by the destination default when no call field maps to it.
import type { z } from 'zod';
import type { FieldIssue } from '../../../shared/model.js';
import { ReviewError } from '../delivery-errors.js';
import type { DeliveryJob } from './destination.js';

/** Platform field name → canonical CallDraft field that feeds it. */
export type FieldMap = Record<string, string>;

/** Copies the defaults, then sets every mapped call value that is present. */
export function overlay(defaults: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}

/**
 * The canonical fields a body carries although the call has no value for them: from the
 * destination's defaults when the body holds the default's value, else derived by the mapping.
 */
export function filledFields(
  defaults: Record<string, unknown>,
  body: Record<string, unknown>,
  fieldMap: FieldMap,
  call: Record<string, unknown>,
): Record<string, { value: string; from: 'destination' | 'derived' }> {
  const filled: Record<string, { value: string; from: 'destination' | 'derived' }> = {};
  for (const [platform, canonical] of Object.entries(fieldMap)) {
    const own = call[canonical];
    const value = body[platform];
    if ((own !== undefined && own !== '') || (typeof value !== 'string' && typeof value !== 'number')) continue;
    filled[canonical] = { value: String(value), from: defaults[platform] === value ? 'destination' : 'derived' };
  }
  return filled;
}

export function issuesFromZod(
  error: z.ZodError,
  fieldMap: FieldMap,
  kind: string,
  input: Record<string, unknown>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          field: `defaults.${key}`,
          message: `${kind} has no field "${key}"; remove it from this destination's defaults`,
        });
      }
      continue;
    }
    const platformField = issue.path.map(String).join('.') || '(body)';
    const top = String(issue.path[0] ?? '');
    const canonical = fieldMap[top];
    const missing = issue.code === 'invalid_type' && input[top] === undefined;
    let message: string;
    if (missing) {
      message = canonical
        ? `required by ${kind} (its field ${platformField})`
        : `required by ${kind}: set "${platformField}" in this destination's defaults`;
    } else {
      message = `${issue.message} (${kind} field ${platformField})`;
    }
    const field = canonical ?? `defaults.${platformField}`;
    if (!issues.some((i) => i.field === field && i.message === message)) issues.push({ field, message });
  }
  return issues;
}

export interface BodyCheck<T> {
  /** Every issue of the body, by canonical field; none when the platform's schema accepts it. */
  issues(body: Record<string, unknown>): FieldIssue[];
  /** The body as the schema accepts it; a ReviewError naming every issue otherwise. */
  parse(body: Record<string, unknown>): T;
}

/**
 * Checks bodies against a platform's request schema, naming issues as `issuesFromZod` does.
 * `rules` adds what a schema cannot say (conditional requirements, hints) to the schema's issues.
 */
export function createBodyCheck<T>(
  schema: z.ZodType<T>,
  fieldMap: FieldMap,
  kind: string,
  rules?: (body: Record<string, unknown>, issues: FieldIssue[]) => FieldIssue[],
): BodyCheck<T> {
  function check(body: Record<string, unknown>) {
    const parsed = schema.safeParse(body);
    const issues = parsed.success ? [] : issuesFromZod(parsed.error, fieldMap, kind, body);
    return { parsed, issues: rules ? rules(body, issues) : issues };
  }
  return {
    issues: (body) => check(body).issues,
    parse(body) {
      const { parsed, issues } = check(body);
      if (!parsed.success || issues.length > 0) throw new ReviewError(issues);
      return parsed.data;
    },
  };
}

/**
 * The recording's details, for platforms that take no audio: they travel in the call's metadata
 * so the call can be matched with its recording later (our callId and the content hash).
 */
export function recordingDetails(job: Pick<DeliveryJob, 'recording' | 'call'>): Record<string, unknown> {
  const { recording, call } = job;
  const details: Record<string, unknown> = {
    callrelay_call_id: call.callId,
    recording_file_name: recording.fileName,
    recording_sha256: recording.sha256,
    recording_size_bytes: recording.sizeBytes,
    recording_content_type: recording.contentType,
  };
  if (recording.durationSec != null) details.recording_duration_sec = recording.durationSec;
  const fromCall: Record<string, unknown> = {
    start_time: call.startTime,
    end_time: call.endTime,
    from: call.from,
    to: call.to,
    direction: call.direction,
    grouping_id: call.groupingId,
    order_id: call.orderId,
    extension_id: call.extensionId,
  };
  for (const [key, value] of Object.entries(fromCall)) if (value !== undefined) details[key] = value;
  for (const [key, value] of Object.entries(call.extra ?? {})) if (!(key in details)) details[key] = value;
  return details;
}

/**
 * A call's metadata for platforms that take no audio: the destination's default metadata (when it
 * is an object) with the recording's details over it.
 */
export function metadataWithRecording(
  defaultMetadata: unknown,
  job: Pick<DeliveryJob, 'recording' | 'call'>,
): Record<string, unknown> {
  return {
    ...(typeof defaultMetadata === 'object' && defaultMetadata !== null ? defaultMetadata : {}),
    ...recordingDetails(job),
  };
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The remote party's number: the caller on inbound calls, the callee on outbound ones. */
export function customerNumber(call: DeliveryJob['call']): string | undefined {
  if (call.customerPhone) return call.customerPhone;
  if (call.direction === 'outbound') return call.to;
  if (call.direction === 'inbound') return call.from;
  return undefined;
}

export function isoNow(now: number): string {
  return new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
