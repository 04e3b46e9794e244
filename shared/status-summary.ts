// The answer to "is all well?" in one line: the top bar of every view and the desktop tray's
// tooltip both read it from here, so the window and the tray can never tell two stories. Pure:
// the hosts feed it what they already know (queue counts, destination health, today's deliveries,
// the backlog's time left at the recent rate).
import type { StateCounts } from './model.js';

export interface StatusDestination {
  name: string;
  paused: boolean;
  online?: boolean;
  health?: 'online' | 'degraded' | 'down';
  /** When it entered its current health (or went offline). */
  since?: string | null;
  offlineSince?: string | null;
}

export interface StatusSummaryInput {
  counts: Partial<StateCounts>;
  paused: boolean;
  destinations: readonly StatusDestination[];
  /** Jobs waiting for a person (the review inbox); the counts' needs-review when absent. */
  reviewWaiting?: number;
  /** Destinations the engine reports failing, even before their health says so. */
  failingDestinations?: readonly string[];
  /** Delivered since local midnight; null when not known yet. */
  deliveredToday?: number | null;
  /** Time left for what is waiting to be sent, at the recent rate; null when there is no rate yet. */
  etaSec?: number | null;
  /** false: the renderer cannot reach its host (the desktop tray never passes it). */
  connected?: boolean | null;
}

export type StatusTone = 'ok' | 'busy' | 'attention' | 'down' | 'paused' | 'offline';

export interface StatusPart {
  kind: 'unreachable' | 'need-you' | 'down' | 'degraded' | 'paused' | 'waiting' | 'sending' | 'delivered';
  text: string;
  tone: StatusTone;
  /** Where the part leads in the window (a hash route), when it leads somewhere. */
  href: string | null;
  /** The destination a down / degraded part is about. */
  destination?: string;
}

export interface StatusSummary {
  /** The most important part's tone, for the tray icon and the line's colour. */
  tone: StatusTone;
  parts: StatusPart[];
  /** The parts in one line: "2 need you · comswise is down since 19:41". */
  text: string;
}

export interface SummaryOptions {
  /** "19:41" in the reader's clock; the tray and the window pass their own. */
  formatClock?: (iso: string) => string;
}

const defaultClock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** "2 min left", "about 1 h 20 min left", "less than a minute left". */
export function timeLeft(etaSec: number): string {
  const sec = Math.max(0, Math.round(etaSec));
  if (sec < 60) return 'less than a minute left';
  const min = Math.round(sec / 60);
  if (min < 60) return `${min} min left`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours} h${min % 60 ? ` ${min % 60} min` : ''} left`;
  return `${Math.round(hours / 24)} days left`;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function summarizeStatus(input: StatusSummaryInput, options: SummaryOptions = {}): StatusSummary {
  const clock = options.formatClock ?? defaultClock;
  const parts: StatusPart[] = [];
  const count = (state: keyof StateCounts) => input.counts[state] ?? 0;

  if (input.connected === false) {
    parts.push({
      kind: 'unreachable',
      text: 'Host unreachable — check that CallRelay is running',
      tone: 'offline',
      href: null,
    });
  }

  const review = input.reviewWaiting ?? count('needs-review');
  if (review > 0) {
    parts.push({
      kind: 'need-you',
      text: `${review.toLocaleString('en-US')} need you`,
      tone: 'attention',
      href: '#/review',
    });
  }

  // A destination a person paused is not "down": that is their choice, shown as paused.
  const active = input.destinations.filter((d) => !d.paused);
  const named = new Set<string>();
  for (const d of active) {
    const down = d.health === 'down' || d.online === false;
    if (!down) continue;
    const since = d.since ?? d.offlineSince ?? null;
    parts.push({
      kind: 'down',
      text: `${d.name} is down${since ? ` since ${clock(since)}` : ''}`,
      tone: 'down',
      href: '#/dashboard',
      destination: d.name,
    });
    named.add(d.name);
  }
  for (const name of input.failingDestinations ?? []) {
    if (named.has(name) || input.destinations.some((d) => d.name === name && d.paused)) continue;
    parts.push({ kind: 'down', text: `${name} is failing`, tone: 'down', href: '#/dashboard', destination: name });
    named.add(name);
  }
  for (const d of active) {
    if (d.health !== 'degraded' || named.has(d.name)) continue;
    parts.push({
      kind: 'degraded',
      text: `${d.name} is failing some deliveries${d.since ? ` since ${clock(d.since)}` : ''}`,
      tone: 'attention',
      href: '#/dashboard',
      destination: d.name,
    });
  }

  const toSend = count('queued') + count('running') + count('retry-wait');
  const held = count('paused');
  if (input.paused) {
    parts.push({ kind: 'paused', text: 'Deliveries paused', tone: 'paused', href: '#/dashboard' });
  } else if (toSend > 0) {
    const eta = input.etaSec != null ? ` · ${timeLeft(input.etaSec)}` : '';
    parts.push({
      kind: 'sending',
      text: `Sending ${toSend.toLocaleString('en-US')}${eta}`,
      tone: 'busy',
      href: '#/queue',
    });
  }
  if (!input.paused && toSend === 0 && held === 0 && review === 0 && input.connected !== false) {
    const today = input.deliveredToday;
    parts.push({
      kind: 'delivered',
      text: `All delivered${today != null ? ` · ${today.toLocaleString('en-US')} today` : ''}`,
      tone: 'ok',
      href: '#/dashboard',
    });
  } else if (input.paused && toSend + held > 0) {
    parts.push({
      kind: 'waiting',
      text: plural(toSend + held, 'call waits', 'calls wait'),
      tone: 'paused',
      href: '#/queue',
    });
  }

  const order: StatusTone[] = ['offline', 'down', 'attention', 'paused', 'busy', 'ok'];
  const tone = order.find((t) => parts.some((p) => p.tone === t)) ?? 'ok';
  return { tone, parts, text: parts.map((p) => p.text).join(' · ') };
}
