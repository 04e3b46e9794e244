// The waveform of a recording, computed by the host so the page never decodes a long call (a
// 300 MB WAV decoded in the browser freezes it and needs ~2 GB of memory). The cost is bounded
// whatever the file's length: one small block is read per point (at most MAX_POINTS × BLOCK
// bytes), and each point is that block's loudest sample. Only PCM and float WAV are read; for any
// other format the player shows the recording without a waveform.
import type { FileHandle } from 'node:fs/promises';

const MAX_POINTS = 2000;
const BLOCK = 4096;

interface WavLayout {
  dataStart: number;
  dataBytes: number;
  blockAlign: number;
  bits: number;
  float: boolean;
}

async function readLayout(handle: FileHandle, size: number): Promise<WavLayout | null> {
  const head = Buffer.alloc(Math.min(size, 64 * 1024));
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  const h = head.subarray(0, bytesRead);
  if (h.length < 12 || !['RIFF', 'RF64'].includes(h.toString('latin1', 0, 4)) || h.toString('latin1', 8, 12) !== 'WAVE')
    return null;
  let offset = 12;
  let format: { tag: number; blockAlign: number; bits: number } | null = null;
  while (offset + 8 <= h.length) {
    const id = h.toString('latin1', offset, offset + 4);
    const length = h.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 8 + 16 <= h.length) {
      let tag = h.readUInt16LE(offset + 8);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the subformat GUID.
      if (tag === 0xfffe && length >= 40 && offset + 8 + 26 <= h.length) tag = h.readUInt16LE(offset + 8 + 24);
      format = { tag, blockAlign: h.readUInt16LE(offset + 8 + 12), bits: h.readUInt16LE(offset + 8 + 14) };
    }
    if (id === 'data') {
      if (!format || format.blockAlign === 0) return null;
      const float = format.tag === 3;
      if (!(format.tag === 1 || float) || ![8, 16, 24, 32].includes(format.bits)) return null;
      const dataStart = offset + 8;
      // RF64 and streaming writers leave 0 or 0xFFFFFFFF here: the data runs to the end of the file.
      const declared = length === 0 || length === 0xffffffff ? size - dataStart : length;
      return { dataStart, dataBytes: Math.min(declared, size - dataStart), ...format, float };
    }
    offset += 8 + length + (length % 2);
  }
  return null;
}

function loudest(block: Buffer, layout: WavLayout): number {
  const bytes = layout.bits / 8;
  let peak = 0;
  for (let at = 0; at + bytes <= block.length; at += bytes) {
    let value: number;
    if (layout.float) value = layout.bits === 32 ? block.readFloatLE(at) : 0;
    else if (bytes === 1) value = (block[at]! - 128) / 128;
    else if (bytes === 2) value = block.readInt16LE(at) / 32768;
    else if (bytes === 3) value = block.readIntLE(at, 3) / 8388608;
    else value = block.readInt32LE(at) / 2147483648;
    const magnitude = Math.abs(value);
    if (magnitude > peak) peak = magnitude;
  }
  return Math.min(1, peak);
}

/** `points` peaks in 0..1 over the whole recording, or null when it is not a PCM or float WAV. */
export async function samplePeaks(handle: FileHandle, size: number, points: number): Promise<number[] | null> {
  const layout = await readLayout(handle, size);
  if (!layout || layout.dataBytes < layout.blockAlign) return null;
  const frames = Math.floor(layout.dataBytes / layout.blockAlign);
  const count = Math.max(1, Math.min(MAX_POINTS, Math.floor(points), frames));
  const framesPerPoint = frames / count;
  const blockFrames = Math.max(1, Math.min(Math.floor(BLOCK / layout.blockAlign), Math.floor(framesPerPoint)));
  const buffer = Buffer.alloc(blockFrames * layout.blockAlign);
  const peaks: number[] = [];
  for (let i = 0; i < count; i++) {
    const frame = Math.floor(i * framesPerPoint);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, layout.dataStart + frame * layout.blockAlign);
    peaks.push(Math.round(loudest(buffer.subarray(0, bytesRead), layout) * 1000) / 1000);
  }
  return peaks;
}
