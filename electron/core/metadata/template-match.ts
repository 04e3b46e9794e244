// The template language's matcher: a file name (or path) against a compiled template gives the
// raw values per target and the call's start, or says which alternative came closest and where
// it stopped.
import type { Capture, CompiledAlternative, CompiledTemplate, DateFormat } from './template-compile.js';
import { isRealDateTime, type LocalDateTime } from './zoned-time.js';

/** What a matching name yields, before normalisation (phones, zones) in call-fields.ts. */
export interface TemplateMatch {
  /** Raw text per target: canonical fields, "remote", "extra.<key>". */
  values: Record<string, string>;
  /** Epoch ms when the name carried a complete start time in Unix seconds. */
  startEpochMs?: number;
  /** Wall-clock start when the name carried date (and maybe time) pieces. */
  startLocal?: LocalDateTime;
  /** A zone the name itself fixes, e.g. UTC for Zoom's GMT prefix. */
  timeZone?: string;
  alternative: string;
}

/** The name without its last extension, which is what templates are matched against. */
export function stemOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/** What an alternative is matched against: the stem, after as many parent folders as it names. */
function subjectOf(alt: CompiledAlternative, segments: string[]): string {
  const tail = segments.slice(-(alt.folders + 1));
  tail[tail.length - 1] = stemOf(tail[tail.length - 1] ?? '');
  return tail.join('/');
}

/** Where a name that matched no alternative came closest. */
export interface ClosestMiss {
  alternative: string;
  /** The start of the name the alternative did read. */
  read: string;
  /** The rest of the name, from where it stopped. */
  rest: string;
  /** The piece of the template it expected there; null when the name goes on past its end. */
  expected: string | null;
}

function closestMiss(template: CompiledTemplate, segments: string[]): ClosestMiss | null {
  let best: (ClosestMiss & { score: number }) | null = null;
  for (const alt of template.alternatives) {
    const subject = subjectOf(alt, segments);
    // The longest run of leading pieces that still matches the start of the name.
    let read = '';
    let matched = 0;
    for (let k = alt.pieces.length; k > 0; k -= 1) {
      const prefix = new RegExp(
        `^(?:${alt.pieces
          .slice(0, k)
          .map((p) => p.pattern)
          .join('')})`,
        'iu',
      );
      const m = prefix.exec(subject);
      if (m) {
        read = m[0];
        matched = k;
        break;
      }
    }
    const score = read.length * 1000 + matched;
    if (!best || score > best.score) {
      best = {
        alternative: alt.source,
        read,
        rest: subject.slice(read.length),
        expected: alt.pieces[matched]?.source ?? null,
        score,
      };
    }
  }
  if (!best) return null;
  const { score: _score, ...miss } = best;
  return miss;
}

function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** "closest: <alternative>, which read "…" and stopped at "…" where it expected {…}". */
export function describeMiss(miss: ClosestMiss): string {
  const read = miss.read ? `read "${clip(miss.read)}" and stopped` : 'stopped at once';
  const where =
    miss.expected === null
      ? `at "${clip(miss.rest)}", past the end of the template`
      : miss.rest === ''
        ? `at the end of the name, where it expected ${miss.expected}`
        : `at "${clip(miss.rest)}", where it expected ${miss.expected}`;
  return `closest: ${miss.alternative}, which ${read} ${where}`;
}

function readDate(capture: Capture, text: string, into: { local: Partial<LocalDateTime>; epochMs?: number }): void {
  const date = capture.date as DateFormat;
  const m = date.parts.exec(text);
  if (!m) return;
  if (date.epoch) {
    into.epochMs = Math.round(Number(m[1]) * 1000);
    return;
  }
  date.tokens.forEach((token, index) => {
    const n = Number(m[index + 1]);
    if (token === 'year4') into.local.year = n;
    else if (token === 'year2') into.local.year = 2000 + n;
    else if (token === 'month') into.local.month = n;
    else if (token === 'day') into.local.day = n;
    else if (token === 'hour') into.local.hour = n;
    else if (token === 'minute') into.local.minute = n;
    else if (token === 'second') into.local.second = n;
    else into.local.millisecond = n;
  });
}

/**
 * Matches a file name (extension included or not: the last one is removed) against a compiled
 * template. A path may be given: alternatives with "/" match its last folders too, the others
 * only the file name. Returns the first alternative's match, or an error saying why nothing
 * matched and which alternative came closest.
 */
export function matchTemplate(
  template: CompiledTemplate,
  fileNameOrPath: string,
): { match: TemplateMatch } | { error: string; closest: ClosestMiss | null } {
  const segments = fileNameOrPath.replace(/\\/g, '/').split('/').filter(Boolean);
  const fileName = segments[segments.length - 1] ?? fileNameOrPath;
  const stem = stemOf(fileName);
  for (const alt of template.alternatives) {
    if (segments.length < alt.folders + 1) continue;
    const m = alt.regex.exec(subjectOf(alt, segments));
    if (!m) continue;
    const values: Record<string, string> = {};
    const when: { local: Partial<LocalDateTime>; epochMs?: number } = { local: {} };
    alt.captures.forEach((capture, index) => {
      const text = (m[index + 1] ?? '').trim();
      if (capture.target === '_' || text === '') return;
      if (capture.kind === 'date') readDate(capture, text, when);
      else values[capture.target] = text;
    });
    let timeZone: string | undefined;
    for (const c of alt.constants) {
      if (c.target === 'tz') timeZone = c.value;
      else values[c.target] = c.value;
    }
    const match: TemplateMatch = { values, alternative: alt.source };
    if (timeZone) match.timeZone = timeZone;
    if (when.epochMs !== undefined) match.startEpochMs = when.epochMs;
    else if (when.local.year !== undefined || when.local.hour !== undefined) {
      const { year, month, day } = when.local;
      if (year === undefined || month === undefined || day === undefined) {
        return {
          error: `"${fileName}" gives a time of day but no date; add YYYY, MM and DD to the template's {start:…}`,
          closest: null,
        };
      }
      const local: LocalDateTime = {
        year,
        month,
        day,
        hour: when.local.hour ?? 0,
        minute: when.local.minute ?? 0,
        second: when.local.second ?? 0,
        millisecond: when.local.millisecond ?? 0,
      };
      if (!isRealDateTime(local)) {
        return {
          error: `"${fileName}" matches "${alt.source}" but its date and time ${JSON.stringify(local)} do not exist; check the template's date format`,
          closest: null,
        };
      }
      match.startLocal = local;
    }
    return { match };
  }
  const shown = template.alternatives.map((a) => a.source).join(' | ');
  const closest = closestMiss(template, segments);
  const hint = closest ? `; ${describeMiss(closest)}` : '';
  return {
    error: `"${stem}" does not match the template ${shown.length > 300 ? shown.slice(0, 300) + '…' : shown}${hint}`,
    closest,
  };
}
