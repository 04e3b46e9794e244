// Recorders write wall-clock times in the site's zone; platforms want UTC. Intl knows every IANA
// zone's offsets, so converting needs no date library: find the offset that maps the local
// reading back onto itself. DST edges follow the "compatible" rule (as Temporal does): a local
// time skipped by spring-forward moves forward by the gap, a repeated one takes its first
// occurrence.

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond?: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Null when the zone is a valid IANA name, else a message saying what to write instead. */
export function checkTimeZone(timeZone: string): string | null {
  try {
    formatterFor(timeZone);
    return null;
  } catch {
    return `"${timeZone}" is not an IANA time zone; write one such as Europe/London, America/New_York or UTC`;
  }
}

/** The zone's offset from UTC, in milliseconds, at the given instant. */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts = formatterFor(timeZone).formatToParts(new Date(whole));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - whole;
}

/** Converts a wall-clock time in `timeZone` to epoch milliseconds. Throws on an unknown zone. */
export function localToUtcMs(local: LocalDateTime, timeZone: string): number {
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond ?? 0,
  );
  const day = 86_400_000;
  // At most one transition lies within a day either side for every real zone.
  const before = zoneOffsetMs(wall - day, timeZone);
  const after = zoneOffsetMs(wall + day, timeZone);
  const valid = [before, after].map((o) => wall - o).filter((utc) => wall - zoneOffsetMs(utc, timeZone) === utc);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: read the wall time with the offset in force before it, which lands after the gap.
  return wall - before;
}

/** True when the fields name a real calendar date and time (no 31 February, no 25:00). */
export function isRealDateTime(local: LocalDateTime): boolean {
  const d = new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
  return (
    local.year >= 1970 &&
    local.year <= 2999 &&
    d.getUTCFullYear() === local.year &&
    d.getUTCMonth() === local.month - 1 &&
    d.getUTCDate() === local.day &&
    d.getUTCHours() === local.hour &&
    d.getUTCMinutes() === local.minute &&
    d.getUTCSeconds() === local.second
  );
}

/** ISO 8601 UTC without milliseconds, e.g. 2024-02-28T10:30:00Z (rounded to the second). */
export function toIsoUtc(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const isoWithZone = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const isoLocal = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/**
 * Reads a time as sidecars and templates write it: ISO 8601 with Z or an offset (taken as is),
 * ISO without an offset (local time in `timeZone`), or epoch seconds (10 digits) / milliseconds
 * (13 digits). Returns epoch milliseconds or a message saying what was expected.
 */
export function parseTimeValue(raw: string, timeZone: string): { ms: number } | { error: string } {
  const text = raw.trim();
  if (/^\d{10}(\.\d+)?$/.test(text)) return { ms: Math.round(Number(text) * 1000) };
  if (/^\d{13}$/.test(text)) return { ms: Number(text) };
  if (isoWithZone.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return { ms };
  }
  const m = isoLocal.exec(text);
  if (m) {
    const local: LocalDateTime = {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4] ?? 0),
      minute: Number(m[5] ?? 0),
      second: Number(m[6] ?? 0),
      millisecond: Number((m[7] ?? '0').padEnd(3, '0')),
    };
    if (!isRealDateTime(local)) return { error: `"${text}" is not a real date and time` };
    const zoneProblem = checkTimeZone(timeZone);
    if (zoneProblem) return { error: zoneProblem };
    return { ms: localToUtcMs(local, timeZone) };
  }
  return {
    error: `"${text}" is not a time CallRelay reads; write ISO 8601 such as 2024-02-28T10:30:00Z, a local 2024-02-28 10:30:00, or epoch seconds`,
  };
}
