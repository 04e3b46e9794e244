// How numbers and times read on screen. Times show in the viewer's own zone unless a zone is given.

// One wording for the window and the CSV export.
export { stateLabels } from '../../shared/state-labels.js';

/** "Paused" with which pause holds it: the row of a paused engine or destination says so. */
export function pausedLabel(pausedBy: 'all' | 'destination' | null | undefined, destination: string): string | null {
  if (pausedBy === 'all') return 'Paused (all sending paused)';
  if (pausedBy === 'destination') return `Paused (${destination} paused)`;
  return null;
}

/** The one wording of a resend everywhere: "resend 1 of <first>". */
export function resendLabel(resendNo: number | undefined, resendOf: string | null | undefined): string | null {
  return resendOf && resendNo ? `resend ${resendNo} of ${resendOf.slice(0, 8)}` : null;
}

/** A folded row of repeated identical failures: "× 111, 19:41–19:44". */
export function repeatLabel(repeat: { count: number; firstAt: string; lastAt: string } | undefined): string | null {
  if (!repeat) return null;
  const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `× ${repeat.count}, ${clock(repeat.firstAt)}–${clock(repeat.lastAt)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`;
}

export function formatDuration(totalSec: number): string {
  const sec = Math.max(0, Math.round(totalSec));
  if (sec < 60) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min}m ${sec % 60}s`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours}h ${min % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

// Building an Intl formatter costs far more than using one, and the queue formats times for
// every row it draws: one cached formatter per time zone.
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function timeFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
      ...(timeZone ? { timeZone } : {}),
    });
    timeFormats.set(key, format);
  }
  return format;
}

export function formatTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  try {
    return timeFormat(timeZone).format(when);
  } catch {
    return when.toISOString();
  }
}

const secondFormats = new Map<string, Intl.DateTimeFormat>();

/** A time with its seconds, for timelines where steps are seconds apart ("Dec 1, 2026, 7:16:05 PM"). */
export function formatTimeWithSeconds(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const key = timeZone ?? '';
  let format = secondFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: 'medium',
      ...(timeZone ? { timeZone } : {}),
    });
    secondFormats.set(key, format);
  }
  try {
    return format.format(when);
  } catch {
    return when.toISOString();
  }
}

export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return '—';
  return formatDuration((now - at) / 1000);
}

export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}
