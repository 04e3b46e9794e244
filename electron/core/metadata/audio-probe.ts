// What the recording is: container, codec, duration. music-metadata reads the details, but it
// happily "parses" a text file or a cut-off WAV, so the first bytes are checked against known
// audio signatures and a WAV's declared sizes against the bytes on disk before trusting it.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { parseBuffer, parseFile } from 'music-metadata';

export interface AudioProbe {
  contentType: string;
  durationSec: number | null;
  channels: number | null;
  sampleRate: number | null;
  codec: string | null;
}

/** failed: cannot be delivered as it is; needs-review: a person should decide. */
export type ProbeProblem = { state: 'failed' | 'needs-review'; reason: string };

export type ProbeResult = { probe: AudioProbe; problem: ProbeProblem | null };

interface Signature {
  contentType: string;
  test(head: Buffer): boolean;
}

const ascii = (head: Buffer, at: number, text: string) => head.toString('latin1', at, at + text.length) === text;

const signatures: Signature[] = [
  { contentType: 'audio/wav', test: (h) => (ascii(h, 0, 'RIFF') || ascii(h, 0, 'RF64')) && ascii(h, 8, 'WAVE') },
  { contentType: 'audio/mpeg', test: (h) => ascii(h, 0, 'ID3') || (h[0] === 0xff && ((h[1] ?? 0) & 0xe0) === 0xe0) },
  { contentType: 'audio/flac', test: (h) => ascii(h, 0, 'fLaC') },
  { contentType: 'audio/ogg', test: (h) => ascii(h, 0, 'OggS') },
  { contentType: 'audio/mp4', test: (h) => ascii(h, 4, 'ftyp') },
  { contentType: 'audio/webm', test: (h) => h.readUInt32BE(0) === 0x1a45dfa3 },
  { contentType: 'audio/amr', test: (h) => ascii(h, 0, '#!AMR') },
  { contentType: 'audio/aiff', test: (h) => ascii(h, 0, 'FORM') && (ascii(h, 8, 'AIFF') || ascii(h, 8, 'AIFC')) },
];

const unknownProbe = (contentType = 'application/octet-stream'): AudioProbe => ({
  contentType,
  durationSec: null,
  channels: null,
  sampleRate: null,
  codec: null,
});

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  let printable = 0;
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc2) printable += 1;
  return printable / head.length > 0.95;
}

interface WavCheck {
  /** Why the file cannot be trusted as it is, or null. */
  problem: string | null;
  /** The codec named by the fmt chunk's subformat GUID when the format tag is WAVE_FORMAT_EXTENSIBLE. */
  extensibleCodec: string | null;
  /** A plain PCM file's figures, read from its header (see checkWav). */
  pcm: { channels: number; sampleRate: number; durationSec: number } | null;
}

/** Reads `length` bytes at `position` into `into`; resolves with how many were there. */
type ReadAt = (into: Buffer, length: number, position: number) => Promise<number>;

const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
// The subformat GUID is {code}-0000-0010-8000-00AA00389B71; the code is a plain format tag.
const guidTail = Buffer.from('000000001000800000aa00389b71', 'hex');
const subformatNames: Record<number, string> = { 1: 'PCM', 3: 'IEEE float', 6: 'A-law', 7: 'µ-law' };

/** The codec of an extensible fmt chunk (music-metadata names it only "non-PCM (65534)"). */
function extensibleCodec(fmt: Buffer): string | null {
  if (fmt.length < 40 || fmt.readUInt16LE(0) !== WAVE_FORMAT_EXTENSIBLE) return null;
  const guid = fmt.subarray(24, 40);
  const code = guid.readUInt16LE(0);
  if (guid.readUInt16LE(2) !== 0 || !guid.subarray(2).equals(guidTail)) return 'extensible, unknown subformat';
  return subformatNames[code] ?? `format ${code}`;
}

/**
 * Walks a WAV's chunks: a data chunk that claims more bytes than the file has means a cut-off
 * copy; the fmt chunk on the way names an extensible file's real codec. A plain PCM file (RIFF,
 * format tag 1, "fmt " before "data", no "fact") is described from its header here, as
 * music-metadata would (samples = data bytes / block align, over the sample rate): set up for
 * every file, the tag parser was a large share of the intake's time on short recordings.
 */
async function checkWav(readAt: ReadAt, size: number, riff: boolean): Promise<WavCheck> {
  let codec: string | null = null;
  let format: { tag: number; channels: number; sampleRate: number; blockAlign: number } | null = null;
  let fact = false;
  let offset = 12;
  const header = Buffer.alloc(8);
  while (offset + 8 <= size) {
    const bytesRead = await readAt(header, 8, offset);
    if (bytesRead < 8) break;
    const id = header.toString('latin1', 0, 4);
    const length = header.readUInt32LE(4);
    if (id === 'fmt ' && length >= 16 && length <= 256) {
      const fmt = Buffer.alloc(length);
      const read = await readAt(fmt, length, offset + 8);
      codec = extensibleCodec(fmt.subarray(0, read));
      if (read >= 16) {
        format = {
          tag: fmt.readUInt16LE(0),
          channels: fmt.readUInt16LE(2),
          sampleRate: fmt.readUInt32LE(4),
          blockAlign: fmt.readUInt16LE(12),
        };
      }
    }
    if (id === 'fact') fact = true;
    if (id === 'data') {
      // RF64 and streaming writers put 0 or 0xFFFFFFFF here and the real size elsewhere.
      if (length === 0 || length === 0xffffffff) return { problem: null, extensibleCodec: codec, pcm: null };
      const available = size - (offset + 8);
      if (available < length) {
        return {
          problem: `the WAV file is truncated: its header announces ${length} bytes of audio but only ${available} are there (an interrupted copy or a crashed recorder?); replace the file, or send it as it is from the review form`,
          extensibleCodec: codec,
          pcm: null,
        };
      }
      const plain = riff && !fact && format?.tag === 1 && format.blockAlign > 0 && format.sampleRate > 0;
      return {
        problem: null,
        extensibleCodec: codec,
        pcm:
          plain && format
            ? {
                channels: format.channels,
                sampleRate: format.sampleRate,
                durationSec: length / format.blockAlign / format.sampleRate,
              }
            : null,
      };
    }
    offset += 8 + length + (length % 2);
  }
  return {
    problem:
      'the WAV file has no audio data chunk (an interrupted copy or a crashed recorder?); replace the file, or cancel the job',
    extensibleCodec: codec,
    pcm: null,
  };
}

async function withFile<T>(file: string, use: (readAt: ReadAt) => Promise<T>): Promise<T> {
  const handle = await open(file, 'r');
  try {
    return await use(async (into, length, position) => (await handle.read(into, 0, length, position)).bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads from the bytes in memory (a small file read whole). */
function bytesReader(bytes: Uint8Array): ReadAt {
  return (into, length, position) => {
    const part = bytes.subarray(position, position + length);
    into.set(part);
    return Promise.resolve(part.length);
  };
}

/**
 * `bytes`, when given, are the whole file (content-hash.ts, readSmallFile): everything is read
 * from them and the file is not opened again.
 */
export async function probeAudio(file: string, sizeBytes: number, bytes?: Uint8Array): Promise<ProbeResult> {
  const ext = path.extname(file).toLowerCase();
  if (sizeBytes === 0) {
    return {
      probe: unknownProbe(),
      problem: {
        state: 'failed',
        reason:
          'the file is empty (0 bytes): the recorder wrote nothing; check the recorder, then replace or delete the file',
      },
    };
  }
  const head = Buffer.alloc(16);
  const bytesRead = bytes
    ? await bytesReader(bytes)(head, head.length, 0)
    : await withFile(file, (readAt) => readAt(head, head.length, 0));
  const first = head.subarray(0, bytesRead);
  const signature = bytesRead >= 12 ? signatures.find((s) => s.test(first)) : undefined;
  if (!signature) {
    const what = looksLikeText(first) ? 'it holds text' : 'its first bytes match no audio format CallRelay knows';
    return {
      probe: unknownProbe(),
      problem: {
        state: 'failed',
        reason: `not an audio file: ${what} (WAV, MP3, M4A/MP4, WebM, Ogg/Opus, FLAC, AMR, AIFF are read); check what wrote "${path.basename(file)}"`,
      },
    };
  }
  let contentType = signature.contentType;
  if (contentType === 'audio/mp4' && ext === '.mp4') contentType = 'video/mp4';
  if (contentType === 'audio/webm' && ext === '.mkv') contentType = 'audio/x-matroska';
  if (contentType === 'audio/ogg' && ext === '.opus') contentType = 'audio/ogg';

  let wavCodec: string | null = null;
  if (contentType === 'audio/wav') {
    const riff = ascii(first, 0, 'RIFF');
    const wav = bytes
      ? await checkWav(bytesReader(bytes), sizeBytes, riff)
      : await withFile(file, (readAt) => checkWav(readAt, sizeBytes, riff));
    if (wav.problem)
      return { probe: unknownProbe(contentType), problem: { state: 'needs-review', reason: wav.problem } };
    if (wav.pcm) {
      const { channels, sampleRate, durationSec } = wav.pcm;
      return {
        probe: { contentType, durationSec, channels: channels || null, sampleRate, codec: 'PCM' },
        problem: null,
      };
    }
    wavCodec = wav.extensibleCodec;
  }
  try {
    const options = { duration: true, skipCovers: true };
    // The file's name picks the parser either way, as parseFile does.
    const { format } = bytes
      ? await parseBuffer(bytes, { path: file, size: bytes.length }, options)
      : await parseFile(file, options);
    const probe: AudioProbe = {
      contentType,
      durationSec: format.duration !== undefined && Number.isFinite(format.duration) ? format.duration : null,
      channels: format.numberOfChannels || null,
      sampleRate: format.sampleRate ? Math.round(format.sampleRate) : null,
      codec: wavCodec ?? format.codec ?? null,
    };
    if (probe.durationSec === null) {
      return {
        probe,
        problem: {
          state: 'needs-review',
          reason: `the audio's length could not be read (${format.container ?? 'unknown container'}); the file may be cut off — check it plays, then send it from the review form`,
        },
      };
    }
    return { probe, problem: null };
  } catch (error) {
    return {
      probe: unknownProbe(contentType),
      problem: {
        state: 'needs-review',
        reason: `the audio could not be read (${(error as Error).message}); the file may be cut off or damaged — check it plays, then send it from the review form`,
      },
    };
  }
}
