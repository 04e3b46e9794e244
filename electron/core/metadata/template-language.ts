/*
 * The file-name template language. Recorders encode call details in file names; a template says
 * where each detail sits. The template is matched against the file name WITHOUT its last
 * extension ("in-…-1709116200.123.wav" is matched as "in-…-1709116200.123"), case-insensitively.
 *
 * Grammar (ABNF-like):
 *
 *   template     = alternative *( "|" alternative )   ; first alternative that matches wins
 *   alternative  = *( literal / capture / constant )
 *   capture      = "{" target [ ":" kind ] "}"         ; consumes text, assigns it to target
 *   constant     = "{" target "=" value "}"            ; consumes nothing, assigns value
 *   target       = field / "extra." key / "remote" / "start" / "_" / "tz"
 *   field        = "callId" / "groupingId" / "from" / "to" / "direction" / "agentId" / "userId"
 *                / "extensionId" / "customerName" / "customerPhone" / "orderId" / "campaignId"
 *                / "skillId" / "channel" / "notes" / "status"
 *   key          = 1*( ALPHA / DIGIT / "_" / "-" )
 *   kind         = "digits" / "phone" / "word" / "text" / "direction" / "uuid" / "uniqueid"
 *                / "call-sid" / "recording-sid" / "opt-word" / "opt-text" / date-format   ; see below
 *   date-format  = 1*( date-token / other-char ) / "epoch"          ; only for target "start"
 *   date-token   = "YYYY" / "yyyy" / "YY" / "yy" / "MM" / "DD" / "dd" / "HH" / "hh" / "mm" / "ss" / "SSS"
 *   literal      = 1*( any char but "{", "}", "|", "\" / "\" any-char )  ; "\" escapes one char
 *
 * Kinds (what a capture matches):
 *   digits     one or more digits
 *   phone      digits with + ( ) . and spaces, or one word such as "anonymous"; may be empty
 *              (never a dash or underscore: those separate fields)
 *   word       one or more characters other than "-" and "_"
 *   text       any characters, as few as needed for the rest of the template to match
 *   direction  in, inbound, incoming, i / out, outbound, outgoing, o (any case)
 *   uuid       a UUID such as 3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90 (Amazon Connect, Genesys Cloud)
 *   uniqueid   an Asterisk unique id: Unix seconds, a dot, a counter (1709116200.123)
 *   call-sid / recording-sid   Twilio SIDs: CA or RE and 32 hex digits
 *   opt-word / opt-text        word / text that may also be empty (a recorder leaves it blank)
 * Defaults: from, to, customerPhone and remote are phone; direction is direction; the rest text.
 *
 * Targets with special meaning:
 *   start      the call's start; several {start:…} pieces combine (date in one, time in another).
 *              MM is the month and mm the minute; hh is read as 24-hour HH; YY means 20YY.
 *              "epoch" reads Unix seconds (optionally with a fraction).
 *   remote     the other party's number: becomes `from` of an inbound call, `to` of an outbound
 *              one, and the customerPhone of either.
 *   _          matched and thrown away.
 *   tz         constant only: the IANA zone the name's time is written in, e.g. {tz=UTC};
 *              otherwise the folder's time zone applies.
 *   extra.key  kept as a free key/value in the call's `extra`.
 *
 * A template with "/" outside braces matches that many parent folders too: for
 * "conversation_id={groupingId:uuid}/{callId:uuid}" the last folder and the file name.
 *
 * Example: "in-{to}-{from}-{start:YYYYMMDD}-{start:HHmmss}-{callId}{direction=inbound}"
 * matches "in-2125550100-2125550199-20240228-103000-1709116200.123".
 */
import { checkTimeZone, isRealDateTime, type LocalDateTime } from './zoned-time.js';

export const templateFields = [
  'callId',
  'groupingId',
  'from',
  'to',
  'direction',
  'agentId',
  'userId',
  'extensionId',
  'customerName',
  'customerPhone',
  'orderId',
  'campaignId',
  'skillId',
  'channel',
  'notes',
  'status',
] as const;
export type TemplateField = (typeof templateFields)[number];

export const kindPatterns = {
  digits: String.raw`\d+`,
  phone: String.raw`(?:[+\d() .]+|[A-Za-z]+)?`,
  word: String.raw`[^-_]+`,
  text: String.raw`.+?`,
  direction: String.raw`(?:inbound|incoming|outbound|outgoing|in|out|i|o)`,
  uuid: String.raw`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`,
  uniqueid: String.raw`\d{9,10}\.\d+`,
  'call-sid': String.raw`CA[0-9a-fA-F]{32}`,
  'recording-sid': String.raw`RE[0-9a-fA-F]{32}`,
  'opt-word': String.raw`[^-_]*`,
  'opt-text': String.raw`.*?`,
} as const;
type Kind = keyof typeof kindPatterns;

const phoneTargets = new Set(['from', 'to', 'customerPhone', 'remote']);

type DateToken = 'year4' | 'year2' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'ms';
const dateTokens: [string, DateToken, string][] = [
  ['YYYY', 'year4', String.raw`\d{4}`],
  ['yyyy', 'year4', String.raw`\d{4}`],
  ['SSS', 'ms', String.raw`\d{3}`],
  ['YY', 'year2', String.raw`\d{2}`],
  ['yy', 'year2', String.raw`\d{2}`],
  ['MM', 'month', String.raw`\d{2}`],
  ['DD', 'day', String.raw`\d{2}`],
  ['dd', 'day', String.raw`\d{2}`],
  ['HH', 'hour', String.raw`\d{2}`],
  ['hh', 'hour', String.raw`\d{2}`],
  ['mm', 'minute', String.raw`\d{2}`],
  ['ss', 'second', String.raw`\d{2}`],
];

interface DateFormat {
  epoch: boolean;
  /** Anchored regex with one group per token, used on the captured text. */
  parts: RegExp;
  tokens: DateToken[];
  /** The same pattern without groups, for the whole-name regex. */
  inline: string;
}

interface Capture {
  target: string;
  kind: Kind | 'date';
  date?: DateFormat;
}

/** One literal run or one capture, for saying where a name stopped matching. */
interface Piece {
  source: string;
  pattern: string;
}

interface CompiledAlternative {
  source: string;
  regex: RegExp;
  captures: Capture[];
  constants: { target: string; value: string }[];
  pieces: Piece[];
  /** Parent folders the alternative matches too (its "/" outside braces). */
  folders: number;
}

export interface CompiledTemplate {
  source: string;
  alternatives: CompiledAlternative[];
}

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

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function compileDateFormat(format: string): DateFormat {
  if (format === 'epoch') {
    const p = String.raw`\d{9,10}(?:\.\d+)?`;
    return { epoch: true, parts: new RegExp(`^(${p})$`), tokens: [], inline: p };
  }
  let grouped = '';
  let inline = '';
  const tokens: DateToken[] = [];
  let i = 0;
  while (i < format.length) {
    const hit = dateTokens.find(([t]) => format.startsWith(t, i));
    if (hit) {
      grouped += `(${hit[2]})`;
      inline += hit[2];
      tokens.push(hit[1]);
      i += hit[0].length;
    } else {
      const ch = escapeRegex(format[i] as string);
      grouped += ch;
      inline += ch;
      i += 1;
    }
  }
  if (tokens.length === 0) {
    throw new TemplateError(
      `the date format "${format}" has no date or time tokens; use YYYY MM DD HH mm ss (e.g. {start:YYYYMMDD-HHmmss}) or epoch`,
    );
  }
  return { epoch: false, parts: new RegExp(`^${grouped}$`), tokens, inline };
}

function checkTarget(target: string, where: string): void {
  if (target === '_' || target === 'remote' || target === 'start' || target === 'startTime') return;
  if ((templateFields as readonly string[]).includes(target)) return;
  if (/^extra\.[A-Za-z0-9_-]+$/.test(target)) return;
  throw new TemplateError(
    `unknown field "${target}" ${where}; use one of ${templateFields.join(', ')}, remote, start, _, tz or extra.<name>`,
  );
}

function compileAlternative(source: string): CompiledAlternative {
  let pattern = '';
  const captures: Capture[] = [];
  const constants: { target: string; value: string }[] = [];
  const pieces: Piece[] = [];
  let folders = 0;
  const literal = (text: string, regex: string) => {
    const last = pieces[pieces.length - 1];
    if (last && !last.source.startsWith('{')) {
      last.source += text;
      last.pattern += regex;
    } else pieces.push({ source: text, pattern: regex });
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '\\') {
      if (i + 1 >= source.length)
        throw new TemplateError(`"${source}" ends with a lone "\\"; write "\\\\" for a backslash`);
      const escaped = escapeRegex(source[i + 1] as string);
      pattern += escaped;
      literal(source.slice(i, i + 2), escaped);
      i += 2;
      continue;
    }
    if (ch === '}')
      throw new TemplateError(`"}" at position ${i + 1} of "${source}" closes nothing; write "\\}" for a literal`);
    if (ch !== '{') {
      if (ch === '/') folders += 1;
      pattern += escapeRegex(ch);
      literal(ch, escapeRegex(ch));
      i += 1;
      continue;
    }
    const close = source.indexOf('}', i);
    if (close < 0) throw new TemplateError(`"{" at position ${i + 1} of "${source}" is never closed`);
    const body = source.slice(i + 1, close);
    const where = `at position ${i + 1} of "${source}"`;
    const eq = body.indexOf('=');
    if (eq >= 0) {
      const target = body.slice(0, eq).trim();
      const value = body.slice(eq + 1);
      if (target === 'tz') {
        const problem = checkTimeZone(value);
        if (problem) throw new TemplateError(`${problem} (${where})`);
      } else {
        checkTarget(target, where);
        if (target === '_' || target === 'start' || target === 'startTime') {
          throw new TemplateError(`"${target}" cannot be given a constant value (${where})`);
        }
      }
      constants.push({ target, value });
    } else {
      const colon = body.indexOf(':');
      const target = (colon >= 0 ? body.slice(0, colon) : body).trim();
      const kindText = colon >= 0 ? body.slice(colon + 1) : undefined;
      checkTarget(target, where);
      if (target === 'start' || target === 'startTime') {
        if (!kindText)
          throw new TemplateError(`{start} needs a date format such as {start:YYYYMMDD-HHmmss} (${where})`);
        const date = compileDateFormat(kindText);
        folders += kindText.split('/').length - 1;
        captures.push({ target: 'start', kind: 'date', date });
        pattern += `(${date.inline})`;
        pieces.push({ source: `{${body}}`, pattern: `(?:${date.inline})` });
      } else {
        const kind = (kindText ??
          (phoneTargets.has(target) ? 'phone' : target === 'direction' ? 'direction' : 'text')) as Kind;
        if (!Object.hasOwn(kindPatterns, kind)) {
          throw new TemplateError(
            `unknown kind "${kind}" ${where}; use ${Object.keys(kindPatterns).join(', ')} or a date format`,
          );
        }
        captures.push({ target, kind });
        pattern += `(${kindPatterns[kind]})`;
        pieces.push({ source: `{${body}}`, pattern: `(?:${kindPatterns[kind]})` });
      }
    }
    i = close + 1;
  }
  if (captures.length === 0 && constants.length === 0 && pattern === '') {
    throw new TemplateError('an empty template alternative matches nothing; remove the extra "|"');
  }
  return { source, regex: new RegExp(`^${pattern}$`, 'iu'), captures, constants, pieces, folders };
}

function splitAlternatives(source: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < source.length; i += 1) {
    const ch = source[i] as string;
    if (ch === '\\' && i + 1 < source.length) {
      current += ch + (source[i + 1] as string);
      i += 1;
    } else if (ch === '|') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim());
}

const cache = new Map<string, CompiledTemplate>();

/** Compiles a template string; throws TemplateError with what to fix. Results are cached. */
export function compileTemplate(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit) return hit;
  const compiled = { source, alternatives: splitAlternatives(source).map(compileAlternative) };
  if (cache.size > 200) cache.clear();
  cache.set(source, compiled);
  return compiled;
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
