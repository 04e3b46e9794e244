// The template language's compiler: a template string (grammar in template-language.ts) becomes
// one anchored regex per alternative, with its captures, constants and pieces. Errors say what to fix.
import { checkTimeZone } from './zoned-time.js';

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

export interface DateFormat {
  epoch: boolean;
  /** Anchored regex with one group per token, used on the captured text. */
  parts: RegExp;
  tokens: DateToken[];
  /** The same pattern without groups, for the whole-name regex. */
  inline: string;
}

export interface Capture {
  target: string;
  kind: Kind | 'date';
  date?: DateFormat;
}

/** One literal run or one capture, for saying where a name stopped matching. */
interface Piece {
  source: string;
  pattern: string;
}

export interface CompiledAlternative {
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
