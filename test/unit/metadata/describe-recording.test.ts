import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeRecording } from '../../../electron/core/metadata/describe-recording.js';
import { makeWav } from '../../fixtures/audio/wav.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cr-describe-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const settings = { template: 'freepbx', timezone: 'America/New_York', region: 'US' };
const name = 'in-2125550100-2125550199-20240228-103000-1709116200.123.wav';

function put(file: string, content: Buffer | string): string {
  const full = path.join(dir, file);
  writeFileSync(full, content);
  return full;
}

describe('describeRecording', () => {
  it('describes a WAV: hash, probe, fields from the name, endTime from the duration', async () => {
    const bytes = makeWav({ seconds: 2.5, sampleRate: 8000, channels: 2 });
    const file = put(name, bytes);
    const d = await describeRecording({ path: file, settings });
    expect(d.problem).toBeNull();
    expect(d.recording).toMatchObject({
      path: file,
      fileName: name,
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      contentType: 'audio/wav',
      durationSec: 2.5,
      channels: 2,
      sampleRate: 8000,
      codec: 'PCM',
    });
    expect(d.call).toMatchObject({
      callId: '1709116200.123',
      from: '+12125550199',
      startTime: '2024-02-28T15:30:00Z',
      endTime: '2024-02-28T15:30:03Z',
    });
    expect(d.sources).toMatchObject({ callId: 'filename', startTime: 'filename', endTime: 'probe' });
  });

  it('falls back to the mtime (the end of the call) and the content hash when the name says nothing', async () => {
    const bytes = makeWav({ seconds: 1 });
    const file = put('recording.wav', bytes);
    const mtime = new Date('2024-05-01T08:00:00Z');
    utimesSync(file, mtime, mtime);
    const d = await describeRecording({ path: file, settings: { timezone: 'UTC' } });
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(d.call.callId).toBe(`cr-${sha.slice(0, 32)}`);
    expect(d.call.startTime).toBe('2024-05-01T07:59:59Z');
    expect(d.call.endTime).toBe('2024-05-01T08:00:00Z');
    expect(d.sources).toMatchObject({ callId: 'content-hash', startTime: 'mtime' });
  });

  it('layers form > sidecar > file name > folder defaults', async () => {
    const file = put(name, makeWav({ seconds: 1 }));
    put(
      'in-2125550100-2125550199-20240228-103000-1709116200.123.json',
      JSON.stringify({ from: '+44 20 7946 0000', customer_name: 'Ada', agent: 'a-7', queue: 'sales' }),
    );
    const d = await describeRecording({
      path: file,
      settings: { ...settings, defaults: { agentId: 'default-agent', campaignId: 'spring', from: '+15550000000' } },
      form: { agentId: 'a-9' },
    });
    expect(d.call).toMatchObject({
      from: '+442079460000',
      to: '+12125550100',
      customerName: 'Ada',
      agentId: 'a-9',
      campaignId: 'spring',
      extra: { queue: 'sales' },
    });
    expect(d.sources).toMatchObject({
      from: 'sidecar',
      to: 'filename',
      customerName: 'sidecar',
      agentId: 'form',
      campaignId: 'folder-default',
      'extra.queue': 'sidecar',
    });
  });

  it('reads XML sidecars and CSV manifests, JSON winning over XML over the manifest', async () => {
    const file = put('call-1.wav', makeWav({ seconds: 1 }));
    put(
      'call-1.xml',
      '<?xml version="1.0"?><call direction="outbound"><to>2125550111</to><orderId>X-1</orderId><startTime>2024-03-01 09:00:00</startTime></call>',
    );
    put('call-1.wav.json', JSON.stringify({ orderId: 'J-1', timezone: 'Europe/London' }));
    put('manifest.csv', 'file,to,skill,notes\ncall-1.wav,2125550122,billing,"said ""hi"", twice"\nother.wav,1,2,3\n');
    const d = await describeRecording({ path: file, settings: { timezone: 'America/Chicago', region: 'US' } });
    expect(d.problem).toBeNull();
    expect(d.call).toMatchObject({
      direction: 'outbound',
      to: '+12125550111',
      orderId: 'J-1',
      skillId: 'billing',
      notes: 'said "hi", twice',
      startTime: '2024-03-01T15:00:00Z',
      customerPhone: '+12125550111',
    });
  });

  it('uses the next layer when a sidecar value does not read, and says so', async () => {
    const file = put(name, makeWav({ seconds: 1 }));
    put(name.replace(/\.wav$/, '.json'), JSON.stringify({ from: 'not a number', direction: 'sideways' }));
    const d = await describeRecording({ path: file, settings });
    expect(d.problem).toBeNull();
    expect(d.call.from).toBe('+12125550199');
    expect(d.call.direction).toBe('inbound');
    expect(d.issues.map((i) => i.field).sort()).toEqual(['direction', 'from']);
  });

  it('holds a recording with a broken JSON sidecar for review, with the reason, keeping the name fields', async () => {
    const file = put(name, makeWav({ seconds: 1 }));
    put(name.replace(/\.wav$/, '.json'), '{"from": "+12125550100", ');
    const d = await describeRecording({ path: file, settings });
    expect(d.problem?.state).toBe('needs-review');
    expect(d.problem?.reason).toMatch(/\.json is not valid JSON .*fix or delete it/);
    expect(d.call.callId).toBe('1709116200.123');
  });

  it('holds broken XML, a JSON array and a manifest without a file column for review', async () => {
    const a = put('a.wav', makeWav({ seconds: 1, frequency: 300 }));
    put('a.xml', '<call><from>1</to></call>');
    expect((await describeRecording({ path: a, settings: {} })).problem?.reason).toMatch(
      /a\.xml is not well-formed XML/,
    );
    const b = put('b.wav', makeWav({ seconds: 1, frequency: 350 }));
    put('b.json', '[1,2]');
    expect((await describeRecording({ path: b, settings: {} })).problem?.reason).toMatch(/one JSON object/);
    rmSync(path.join(dir, 'a.xml'));
    put('manifest.csv', 'name_of_thing,to\nx,1\n');
    expect((await describeRecording({ path: a, settings: {} })).problem?.reason).toMatch(/no file column/);
  });

  // Each row: a file that is not a usable recording, what it is held or failed for, what is still recorded of it.
  const unusable = [
    {
      title: 'fails an empty file with a reason',
      file: 'empty.wav',
      content: Buffer.alloc(0),
      problem: { state: 'failed', reason: /empty \(0 bytes\)/ },
      recording: { sizeBytes: 0, sha256: createHash('sha256').digest('hex') },
    },
    {
      title: 'fails a text file renamed .wav',
      file: 'notes.wav',
      content: 'Call notes: customer asked for a refund.\n',
      problem: { state: 'failed', reason: /not an audio file: it holds text/ },
      recording: { contentType: 'application/octet-stream' },
    },
    {
      title: 'holds a truncated WAV for review with the byte counts',
      file: 'cut.wav',
      content: makeWav({ seconds: 2 }).subarray(0, 5000),
      problem: { state: 'needs-review', reason: /truncated: its header announces 32000 bytes of audio but only 4956/ },
      recording: { contentType: 'audio/wav' },
    },
    {
      title: 'holds a WAV cut inside its header for review',
      file: 'cut2.wav',
      content: makeWav({ seconds: 1 }).subarray(0, 30),
      problem: { state: 'needs-review', reason: /no audio data chunk.*replace the file, or cancel the job/ },
      recording: {},
    },
    {
      title: 'fails binary data that is no known audio format',
      file: 'blob.mp3',
      content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 200, 201]),
      problem: { state: 'failed', reason: /match no audio format/ },
      recording: {},
    },
  ];
  // A loop, not it.each: it.each would cut these titles at 40 characters.
  for (const { title, file, content, problem, recording } of unusable) {
    it(title, async () => {
      const d = await describeRecording({ path: put(file, content), settings });
      expect(d.problem).toEqual({ state: problem.state, reason: expect.stringMatching(problem.reason) });
      expect(d.recording).toMatchObject(recording);
    });
  }

  it('probes FLAC and Ogg Vorbis recordings', async () => {
    const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/audio');
    for (const [name, contentType, codec] of [
      ['tone-1s.flac', 'audio/flac', 'FLAC'],
      ['tone-1s.ogg', 'audio/ogg', 'Vorbis I'],
    ] as const) {
      const file = path.join(dir, name);
      copyFileSync(path.join(fixtures, name), file);
      const d = await describeRecording({ path: file, settings: {} });
      expect(d.problem, name).toBeNull();
      expect(d.recording).toMatchObject({ contentType, codec, durationSec: 1, channels: 1, sampleRate: 8000 });
    }
  });

  it('names the codec of a WAVE_FORMAT_EXTENSIBLE file from its subformat GUID (sox writes one)', async () => {
    // sox writes the extensible header for more than two channels or more than 16 bits.
    const cases = [
      { args: ['-b', '16', '-c', '3'], codec: 'PCM', channels: 3 },
      { args: ['-b', '24', '-c', '1'], codec: 'PCM', channels: 1 },
    ];
    for (const { args, codec, channels } of cases) {
      const file = path.join(dir, `extensible-${args.join('')}.wav`);
      execFileSync('sox', ['-n', ...args, '-r', '8000', file, 'synth', '0.5', 'sine', '440']);
      const bytes = readFileSync(file);
      expect(bytes.readUInt16LE(20), 'sox wrote WAVE_FORMAT_EXTENSIBLE').toBe(0xfffe);
      const d = await describeRecording({ path: file, settings: {} });
      expect(d.problem, file).toBeNull();
      expect(d.recording).toMatchObject({
        contentType: 'audio/wav',
        codec,
        channels,
        sampleRate: 8000,
        durationSec: 0.5,
      });
    }
  });

  it('holds recordings for review while the folder template is broken', async () => {
    const file = put('any.wav', makeWav({ seconds: 1 }));
    const d = await describeRecording({ path: file, settings: { template: 'in-{frm}' } });
    expect(d.problem).toEqual({
      state: 'needs-review',
      reason: expect.stringMatching(/template is invalid: unknown field "frm"/),
    });
    expect(d.call.callId).toMatch(/^cr-[0-9a-f]{32}$/);
  });
});
