// One recording file in, everything CallRelay knows about it out: the RecordingInfo (size, hash,
// audio details), the canonical call, where each field came from, and what a person should
// know or fix. It never moves or changes the file.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CallDraft, type CallPatch, type FieldIssue, type RecordingInfo } from '../../../shared/model.js';
import { probeAudio, type ProbeProblem } from './audio-probe.js';
import { enrichLayers, type CallEnrichment } from './call-enrichment.js';
import { normaliseFields, type FieldLayer, type FieldSource, type RawValue } from './call-fields.js';
import { readSmallFile, sha256Bytes, sha256File } from './content-hash.js';
import { resolveTemplate } from './presets.js';
import { implausibleTime } from './plausible-time.js';
import { createManifestCache, readSidecars, type ManifestCache } from './sidecars.js';
import { describeMiss, matchTemplate, TemplateError } from './template-language.js';
import { checkTimeZone, toIsoUtc } from './zoned-time.js';

/** The parts of a folder's configuration that shape metadata (FolderConfig fits). */
export interface MetadataSettings {
  template?: string | undefined;
  timezone?: string | undefined;
  region?: string | undefined;
  defaults?: Partial<Omit<CallDraft, 'callId'>> | undefined;
}

export interface FileNameReading {
  /** Canonical fields the name and the folder defaults give (no callId from the hash, no mtime). */
  fields: Partial<CallDraft>;
  sources: Record<string, FieldSource>;
  issues: FieldIssue[];
  /** The template is broken or the name does not match it. */
  error: string | null;
  /** True when the template itself is invalid (every file of the folder is affected). */
  templateInvalid: boolean;
  layers: FieldLayer[];
}

function defaultsLayer(settings: MetadataSettings): FieldLayer | null {
  const defaults = settings.defaults ?? {};
  const values: Record<string, RawValue> = {};
  for (const [key, value] of Object.entries(defaults)) {
    if (key === 'extra' && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, string>)) values[`extra.${k}`] = v;
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      values[key] = value;
    }
  }
  return Object.keys(values).length > 0 ? { source: 'folder-default', label: 'the folder defaults', values } : null;
}

function formLayer(form: CallPatch | undefined): FieldLayer | null {
  if (!form) return null;
  const layer = defaultsLayer({ defaults: form as MetadataSettings['defaults'] });
  return layer ? { ...layer, source: 'form', label: 'the review form' } : null;
}

/**
 * What the file name (through the folder's template) and the folder defaults say. A path may be
 * given instead of a name: templates with "/" read its last folders too.
 */
export function readFileName(nameOrPath: string, settings: MetadataSettings): FileNameReading {
  const fileName = nameOrPath.split(/[\\/]/).pop() || nameOrPath;
  const timeZone = settings.timezone ?? 'UTC';
  const layers: FieldLayer[] = [];
  const out: FileNameReading = { fields: {}, sources: {}, issues: [], error: null, templateInvalid: false, layers };
  const zoneProblem = checkTimeZone(timeZone);
  if (zoneProblem) {
    out.error = `the folder's time zone: ${zoneProblem}`;
    out.templateInvalid = true;
  }
  const defaults = defaultsLayer(settings);
  if (defaults) layers.push(defaults);
  if (settings.template) {
    try {
      const { label, compiled, preset } = resolveTemplate(settings.template);
      const result = matchTemplate(compiled, nameOrPath);
      if ('error' in result) {
        const where = result.closest ? `; ${describeMiss(result.closest)}` : '';
        out.error = preset
          ? `"${fileName}" does not match ${label} (names like ${preset.examples[0]})${where}; the call details come from sidecars, folder defaults and the file's time instead`
          : `${result.error}; the call details come from sidecars, folder defaults and the file's time instead`;
        out.issues.push({ field: 'fileName', message: out.error });
      } else {
        const { match } = result;
        const layer: FieldLayer = { source: 'filename', label: 'the file name', values: match.values };
        if (match.timeZone) layer.timeZone = match.timeZone;
        if (match.startLocal) layer.startLocal = match.startLocal;
        if (match.startEpochMs !== undefined) layer.startEpochMs = match.startEpochMs;
        layers.push(layer);
      }
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      out.error = `the folder's file-name template is invalid: ${error.message}`;
      out.templateInvalid = true;
      out.issues.push({ field: 'fileName', message: out.error });
    }
  }
  if (!zoneProblem) {
    const normalised = normaliseFields(layers, { timeZone, region: settings.region });
    out.fields = normalised.call;
    out.sources = normalised.sources;
    out.issues.push(...normalised.issues);
  }
  return out;
}

export interface DescribeInput {
  path: string;
  settings: MetadataSettings;
  /** The person's edits, highest precedence. */
  form?: CallPatch | undefined;
  /** Size and mtime already known (from the stability gate); read from disk when omitted. */
  stat?: { sizeBytes: number; mtimeMs: number } | undefined;
  /** The whole file, already read (the intake's file worker); read here when omitted. */
  bytes?: Buffer | undefined;
  manifests?: ManifestCache | undefined;
  /** The folder's CDR and agent directory, when it has them. */
  enrichment?: CallEnrichment | undefined;
  /** The time now, for the plausibility of the call time; Date.now() when omitted. */
  now?: number;
}

export interface RecordingDescription {
  recording: RecordingInfo;
  call: CallDraft;
  sources: Record<string, FieldSource>;
  /** Field-level notes: values that did not read, a name that did not match the template. */
  issues: FieldIssue[];
  /** Why the recording cannot simply be queued; null when it can. */
  problem: ProbeProblem | null;
}

const fallbackManifests = createManifestCache();

/**
 * Describes a recording. Throws only when the file itself cannot be read (gone, locked); every
 * problem with its content or its metadata is reported in `problem` and `issues` instead.
 */
export async function describeRecording(input: DescribeInput): Promise<RecordingDescription> {
  const file = path.resolve(input.path);
  const fileName = path.basename(file);
  let info: { sizeBytes: number; mtimeMs: number };
  if (input.stat) info = input.stat;
  else {
    const s = await stat(file);
    info = { sizeBytes: s.size, mtimeMs: s.mtimeMs };
  }
  const bytes = input.bytes ?? (await readSmallFile(file, info.sizeBytes));
  const sha256 = bytes ? sha256Bytes(bytes) : await sha256File(file, info.sizeBytes);
  const { probe, problem: probeProblem } = await probeAudio(file, info.sizeBytes, bytes ?? undefined);
  const named = readFileName(file, input.settings);
  const sidecars = await readSidecars(file, input.manifests ?? fallbackManifests);
  const form = formLayer(input.form);
  let layers = [...named.layers, ...sidecars.layers, ...(form ? [form] : [])];
  const timeZone = checkTimeZone(input.settings.timezone ?? 'UTC') ? 'UTC' : (input.settings.timezone ?? 'UTC');
  const ctx = { timeZone, region: input.settings.region };
  const enriched = input.enrichment ? await enrichLayers(layers, ctx, input.enrichment) : null;
  if (enriched) layers = enriched.layers;
  const merged = normaliseFields(layers, ctx);
  const issues: FieldIssue[] = [
    ...named.issues.filter((i) => i.field === 'fileName'),
    ...sidecars.issues,
    ...(enriched?.issues ?? []),
    ...merged.issues,
  ];
  const call = { ...merged.call } as Partial<CallDraft>;
  const sources = { ...merged.sources };

  if (!call.callId) {
    call.callId = `cr-${sha256.slice(0, 32)}`;
    sources.callId = 'content-hash';
  }
  if (!call.startTime) {
    // A recorder writes until the call ends, so the file's mtime marks the end: the call started
    // one duration earlier (the mtime itself when the length is unknown).
    call.startTime = toIsoUtc(info.mtimeMs - (probe.durationSec ?? 0) * 1000);
    sources.startTime = 'mtime';
  }
  if (!call.endTime && probe.durationSec !== null) {
    call.endTime = toIsoUtc(Date.parse(call.startTime) + probe.durationSec * 1000);
    sources.endTime = 'probe';
  }

  // A safety net: anything that slipped past the readers is dropped with a named issue.
  let checked = CallDraft.safeParse(call);
  while (!checked.success) {
    const bad = checked.error.issues[0];
    const field = String(bad?.path[0] ?? '');
    if (!field || field === 'callId' || !(field in call)) throw checked.error;
    issues.push({ field, message: `${field}: ${bad?.message ?? 'invalid'}; the value was left out` });
    delete (call as Record<string, unknown>)[field];
    delete sources[field];
    checked = CallDraft.safeParse(call);
  }

  const recording: RecordingInfo = {
    path: file,
    fileName,
    sizeBytes: info.sizeBytes,
    mtimeMs: info.mtimeMs,
    sha256,
    ...probe,
  };

  const reviewReasons = [...sidecars.blocking];
  if (named.templateInvalid && named.error) reviewReasons.push(named.error);
  const badTime = implausibleTime(checked.data.startTime, sources.startTime, input.now ?? Date.now());
  if (badTime) {
    reviewReasons.push(badTime);
    issues.push({ field: 'startTime', message: badTime });
  }
  let problem: ProbeProblem | null = probeProblem;
  if (!problem && reviewReasons.length > 0) problem = { state: 'needs-review', reason: reviewReasons.join('; ') };
  else if (problem && reviewReasons.length > 0)
    problem = { ...problem, reason: [problem.reason, ...reviewReasons].join('; ') };
  return { recording, call: checked.data, sources, issues, problem };
}

export interface AppearingInput {
  path: string;
  settings: MetadataSettings;
  /** The file's size and mtime when it was first seen. */
  stat: { sizeBytes: number; mtimeMs: number };
  manifests?: ManifestCache | undefined;
  /** Only its agent directory is used: the PBX writes the call record when the call ends. */
  enrichment?: CallEnrichment | undefined;
}

export interface AppearingDescription {
  call: CallDraft;
  /** Guessed from the extension: the bytes are not read before the file is final. */
  contentType: string;
  issues: FieldIssue[];
  /** Sidecars that could not be read: the call should not be opened before a person looks. */
  blocking: string[];
}

const contentTypes: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.webm': 'audio/webm',
  '.amr': 'audio/amr',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
};

/**
 * What can be said of a recording the moment it appears, while it is still written (live calls):
 * file name, sidecars and folder defaults, never the audio. Without a callId from those, one is
 * made from the path and the first size and mtime, since there is no content hash yet; the start
 * time falls back to the first mtime (a recorder starts writing when the call starts).
 */
export async function describeAppearingRecording(input: AppearingInput): Promise<AppearingDescription> {
  const file = path.resolve(input.path);
  const fileName = path.basename(file);
  const named = readFileName(file, input.settings);
  const sidecars = await readSidecars(file, input.manifests ?? fallbackManifests);
  const timeZone = checkTimeZone(input.settings.timezone ?? 'UTC') ? 'UTC' : (input.settings.timezone ?? 'UTC');
  const ctx = { timeZone, region: input.settings.region };
  let layers = [...named.layers, ...sidecars.layers];
  const enriched = input.enrichment?.agents
    ? await enrichLayers(layers, ctx, { ...input.enrichment, cdr: null, problem: null })
    : null;
  if (enriched) layers = enriched.layers;
  const merged = normaliseFields(layers, ctx);
  const call = { ...merged.call } as Partial<CallDraft>;
  const issues: FieldIssue[] = [...named.issues, ...sidecars.issues, ...(enriched?.issues ?? [])];
  if (!call.callId) {
    const identity = `${file}\u0000${input.stat.sizeBytes}\u0000${input.stat.mtimeMs}`;
    call.callId = `cr-live-${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
  }
  call.startTime ??= toIsoUtc(input.stat.mtimeMs);
  const checked = CallDraft.safeParse(call);
  const blocking = [...sidecars.blocking];
  if (named.templateInvalid && named.error) blocking.push(named.error);
  if (!checked.success) blocking.push(`the call details do not read: ${checked.error.issues[0]?.message ?? 'invalid'}`);
  return {
    call: checked.success ? checked.data : (call as CallDraft),
    contentType: contentTypes[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream',
    issues,
    blocking,
  };
}
