// Limits the settings forms show and check, read from the config schema (shared/config.ts) so a
// changed limit there changes the form too; the words around them stay the form's own.
import { z } from 'zod';
import { Config, DestinationConfig, TelemetryConfig, BandwidthConfig } from '../../../../shared/config.js';

/** The schema inside `.default()`, `.optional()` and `.nullable()` wrappers. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

export interface NumberLimits {
  min: number | undefined;
  max: number | undefined;
  whole: boolean;
}

/** min/max of a number schema; a bound zod only implies (the safe-integer range) counts as none. */
export function numberLimits(schema: z.ZodType): NumberLimits {
  const inner = unwrapSchema(schema);
  if (!(inner instanceof z.ZodNumber)) return { min: undefined, max: undefined, whole: false };
  const bound = (v: number | null) =>
    v === null || !Number.isFinite(v) || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v;
  return { min: bound(inner.minValue), max: bound(inner.maxValue), whole: Boolean(inner.isInt) };
}

/** "a whole number from 1 to 64", "a whole number of at least 1": the range in words. */
export function describeRange(limits: NumberLimits, unit = ''): string {
  const what = limits.whole ? 'a whole number' : 'a number';
  const u = unit ? ` ${unit}` : '';
  if (limits.min !== undefined && limits.max !== undefined) return `${what}${u} from ${limits.min} to ${limits.max}`;
  if (limits.min !== undefined) return `${what}${u} of at least ${limits.min}`;
  if (limits.max !== undefined) return `${what}${u} of at most ${limits.max}`;
  return `${what}${u}`;
}

/** The typed text as the schema's number, or the range in words when the schema refuses it. */
export function parseNumberField(
  schema: z.ZodType,
  text: string,
  label = '',
): { ok: true; value: number } | { ok: false; message: string } {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const parsed = unwrapSchema(schema).safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data as number };
  const range = describeRange(numberLimits(schema));
  return { ok: false, message: label ? `${label}: give ${range}.` : `Give ${range}.` };
}

const configShape = Config.shape;
const concurrency = unwrapSchema(configShape.concurrency) as z.ZodObject<{
  global: z.ZodType;
  perDestination: z.ZodType;
}>;
const notifications = unwrapSchema(configShape.notifications) as z.ZodObject<{
  reviewWaiting: z.ZodType;
  destinationFailingAfterMin: z.ZodType;
}>;
const windowSchema = (
  unwrapSchema(BandwidthConfig.shape.schedule) as z.ZodArray<z.ZodObject<Record<string, z.ZodType>>>
).element;

/** The schemas of the single settings the forms edit, by where they sit in the config. */
export const settingSchemas = {
  concurrencyGlobal: concurrency.shape.global,
  concurrencyPerDestination: concurrency.shape.perDestination,
  destinationFailingAfterMin: notifications.shape.destinationFailingAfterMin,
  bandwidthDefault: BandwidthConfig.shape.defaultBytesPerSec,
  windowTime: windowSchema.shape.from!,
  windowBytes: windowSchema.shape.bytesPerSec!,
  telemetryOtlp: TelemetryConfig.shape.otlp,
  telemetryStation: TelemetryConfig.shape.station,
  telemetryInterval: TelemetryConfig.shape.intervalSec,
  destinationConcurrency: DestinationConfig.options[0].shape.concurrency,
} satisfies Record<string, z.ZodType>;

/** A schema message ("give the folder path") as a sentence ("Give the folder path."). */
export function asSentence(message: string): string {
  const t = message.trim();
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?)]$/.test(t) ? '' : '.'}`;
}
