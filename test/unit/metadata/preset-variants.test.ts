// Every preset's documented naming modes, each with a realistic name: the empty and optional
// fields, the other modes of the same recorder, and the new recorders. And names that still do
// not match: refused with a reason that says which alternative came closest and where it stopped.
import { describe, expect, it } from 'vitest';
import { readFileName, type MetadataSettings } from '../../../electron/core/metadata/describe-recording.js';
import { checkTemplateSetting, presets, suggestPreset } from '../../../electron/core/metadata/presets.js';

const ny = { timezone: 'America/New_York', region: 'US' };
const freepbx = { template: 'freepbx', ...ny };

const variants: {
  name: string;
  file: string;
  settings: MetadataSettings;
  fields: Record<string, unknown>;
  absent?: string[];
}[] = [
  {
    name: 'freepbx in-: a caller without caller id leaves `from` empty (two dashes)',
    file: 'in-2125550100--20240228-103000-1709116200.140.wav',
    settings: freepbx,
    fields: { to: '+12125550100', direction: 'inbound', callId: '1709116200.140', startTime: '2024-02-28T15:30:00Z' },
    absent: ['from'],
  },
  {
    name: 'freepbx out-: an outbound route with no dialled number recorded',
    file: 'out--101-20240228-103000-1709116200.141.wav',
    settings: freepbx,
    fields: { extensionId: '101', direction: 'outbound', callId: '1709116200.141' },
    absent: ['to'],
  },
  {
    name: 'freepbx internal-: extension to extension',
    file: 'internal-102-101-20240228-103000-1709116200.142.wav',
    settings: freepbx,
    fields: { extensionId: '101', callId: '1709116200.142', extra: { toExtension: '102' } },
  },
  {
    name: 'freepbx ondemand-: a one-touch (*1) recording of an outbound call',
    file: 'ondemand-2125550199-101-20240228-103000-1709116200.143.wav',
    settings: freepbx,
    fields: { to: '+12125550199', extensionId: '101', direction: 'outbound', customerPhone: '+12125550199' },
  },
  {
    name: 'freepbx force-: the call-recording module forcing a recording (Issabel writes the same)',
    file: 'force-2125550199-3201-20250327-092517-1743042317.12206.wav',
    settings: freepbx,
    fields: { to: '+12125550199', extensionId: '3201', direction: 'outbound', callId: '1743042317.12206' },
  },
  {
    name: 'freepbx q-: a queue call whose queue number was empty',
    file: 'q--2125550199-20240228-103000-1709116200.144.wav',
    settings: freepbx,
    fields: { from: '+12125550199', direction: 'inbound', callId: '1709116200.144' },
  },
  {
    name: 'freepbx rg-: a ring group call from a withheld number',
    file: 'rg-700-anonymous-20240228-103000-1709116200.145.wav',
    settings: freepbx,
    fields: { direction: 'inbound', extra: { ringGroup: '700' }, callId: '1709116200.145' },
    absent: ['from'],
  },
  {
    name: 'freepbx: a MeetMe conference recording',
    file: 'meetme-conf-rec-8000-1709116200.146.wav',
    settings: freepbx,
    fields: { callId: '1709116200.146', extra: { conference: '8000' } },
  },
  {
    name: 'freepbx: MixMonitor’s default name, the bare unique id',
    file: '1709116200.147.wav',
    settings: freepbx,
    fields: { callId: '1709116200.147' },
  },
  {
    name: 'asterisk: the bare unique id',
    file: '1709116200.148.WAV',
    settings: { template: 'asterisk' },
    fields: { callId: '1709116200.148' },
  },
  {
    name: '3cx: an empty display name []',
    file: '[]_+12125550199-101_20240228103000(43).wav',
    settings: { template: '3cx', region: 'US' },
    fields: { from: '+12125550199', extensionId: '101', direction: 'inbound', extra: { callHistoryId: '43' } },
    absent: ['customerName'],
  },
  {
    name: '3cx: an outgoing call without the (n)',
    file: '[Anna Smith]_101-+442079460000_20240228103000.wav',
    settings: { template: '3cx', timezone: 'Europe/London' },
    fields: { customerName: 'Anna Smith', extensionId: '101', to: '+442079460000', direction: 'outbound' },
  },
  {
    name: 'ringcentral: an On-Demand recording with no extension',
    file: '20240228-103000__+44 20 7946 0000_Outgoing_On-Demand_2937465003.mp3',
    settings: { template: 'ringcentral', region: 'US' },
    fields: { to: '+442079460000', direction: 'outbound', callId: '2937465003', extra: { recordingType: 'On-Demand' } },
    absent: ['extensionId'],
  },
  {
    name: 'ringcentral: an export without the recording type',
    file: '20240228-103000_101_2125550199_Inbound_2937465004.mp3',
    settings: { template: 'ringcentral', region: 'US' },
    fields: { extensionId: '101', from: '+12125550199', direction: 'inbound', callId: '2937465004' },
  },
  {
    name: 'zoom-cc: an engagement recording without a type',
    file: 'GMT20240228-103000_8Jd7Ks2Q.m4a',
    settings: { template: 'zoom-cc', timezone: 'Asia/Kolkata' },
    fields: { groupingId: '8Jd7Ks2Q', startTime: '2024-02-28T10:30:00Z' },
  },
  {
    name: 'zoom-cc: a cloud recording (audio only) is not taken for an engagement id',
    file: 'GMT20240228-103000_Recording.m4a',
    settings: { template: 'zoom-cc' },
    fields: { startTime: '2024-02-28T10:30:00Z' },
    absent: ['groupingId'],
  },
  {
    name: 'zoom-cc: a cloud recording with its layout',
    file: 'GMT20240228-103000_Recording_1920x1080.mp4',
    settings: { template: 'zoom-cc' },
    fields: { startTime: '2024-02-28T10:30:00Z', extra: { recordingType: '1920x1080' } },
    absent: ['groupingId'],
  },
  {
    name: 'dashed-numeric: a withheld number leaves two dashes',
    file: '1034-119-17-2075-2029--i-0-251125-180353.wav',
    settings: { template: 'dashed-numeric', timezone: 'Asia/Kolkata', region: 'IN' },
    fields: { direction: 'inbound', startTime: '2025-11-25T12:33:53Z' },
    absent: ['from', 'customerPhone'],
  },
  {
    name: 'amazon-connect: the S3 key’s file name, time in UTC to the minute',
    file: '3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90_20240228T10:30_UTC.wav',
    settings: { template: 'amazon-connect', timezone: 'America/New_York' },
    fields: { callId: '3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90', startTime: '2024-02-28T10:30:00Z' },
  },
  {
    name: 'amazon-connect: the colon turned into %3A by a sync tool',
    file: '3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90_20240228T23%3A59_UTC.wav',
    settings: { template: 'amazon-connect' },
    fields: { startTime: '2024-02-28T23:59:00Z' },
  },
  {
    name: 'amazon-connect: the colon turned into a dash on Windows',
    file: '3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90_20240228T10-30_UTC.wav',
    settings: { template: 'amazon-connect' },
    fields: { startTime: '2024-02-28T10:30:00Z' },
  },
  {
    name: 'twilio: a recording SID alone',
    file: 'RE557ce644e5ab84fa21cc21112e22c485.wav',
    settings: { template: 'twilio' },
    fields: { callId: 'RE557ce644e5ab84fa21cc21112e22c485' },
    absent: ['groupingId'],
  },
  {
    name: 'twilio: call SID then recording SID',
    file: 'CA8dfedb55c129dd4d6bd1f59af9d11080_RE557ce644e5ab84fa21cc21112e22c485.mp3',
    settings: { template: 'twilio' },
    fields: { callId: 'RE557ce644e5ab84fa21cc21112e22c485', groupingId: 'CA8dfedb55c129dd4d6bd1f59af9d11080' },
  },
  {
    name: 'twilio: recording SID then call SID, with a dash',
    file: 'RE557ce644e5ab84fa21cc21112e22c485-CA8dfedb55c129dd4d6bd1f59af9d11080.wav',
    settings: { template: 'twilio' },
    fields: { callId: 'RE557ce644e5ab84fa21cc21112e22c485', groupingId: 'CA8dfedb55c129dd4d6bd1f59af9d11080' },
  },
  {
    name: 'genesys-cloud: the conversation id comes from the export’s folder',
    file: '/exports/org/year=2024/month=2/day=28/hour=10/conversation_id=9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d.opus',
    settings: { template: 'genesys-cloud' },
    fields: { callId: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', groupingId: '9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d' },
  },
  {
    name: 'genesys-cloud: a recording copied out of its folder keeps its id',
    file: '/srv/in/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d.wav',
    settings: { template: 'genesys-cloud' },
    fields: { callId: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d' },
    absent: ['groupingId'],
  },
];

describe('preset variants', () => {
  for (const { name, file, settings, fields, absent = [] } of variants) {
    it(name, () => {
      const r = readFileName(file, settings);
      expect(r.error).toBeNull();
      expect(r.fields).toMatchObject(fields);
      for (const field of absent) expect((r.fields as Record<string, unknown>)[field], field).toBeUndefined();
    });
  }

  it('every example a preset shows reads without an error', () => {
    for (const preset of Object.values(presets)) {
      for (const example of preset.examples) {
        expect(readFileName(example, { template: preset.name }).error, `${preset.name}: ${example}`).toBeNull();
      }
    }
  });
});

describe('names that still do not match', () => {
  const refusals: { name: string; file: string; settings: MetadataSettings; error: RegExp }[] = [
    {
      name: 'freepbx: a date cut short names the alternative and the piece it stopped at',
      file: 'in-2125550100-2125550199-2024022-103000-1709116200.123.wav',
      settings: freepbx,
      error:
        /closest: in-\{to\}-\{from\}-\{start:YYYYMMDD\}.*read "in-2125550100-2125550199-" and stopped at "2024022-103000-1709116200\.123", where it expected \{start:YYYYMMDD\}/,
    },
    {
      name: 'freepbx: an unknown mode stops at once, at its first letters',
      file: 'voicemail-2125550100-20240228.wav',
      settings: freepbx,
      error: /does not match the freepbx preset.*stopped at once at "voicemail-2125550100-20240228"/,
    },
    {
      name: 'twilio: a SID one digit short stops where the SID should be',
      file: 'CA8dfedb55c129dd4d6bd1f59af9d11080_RE557ce644e5ab84fa21cc21112e22c48.wav',
      settings: { template: 'twilio' },
      error:
        /read "CA8dfedb55c129dd4d6bd1f59af9d11080_" and stopped at "RE557ce644e5ab84fa21cc21112e22c48", where it expected \{callId:recording-sid\}/,
    },
    {
      name: 'amazon-connect: a name without the _UTC suffix stops at the end of the name',
      file: '3f2b9c1e-7a4d-4e0b-8f3a-2d5c6e7f8a90_20240228T10:30.wav',
      settings: { template: 'amazon-connect' },
      error: /at the end of the name, where it expected _UTC/,
    },
    {
      name: '3cx: text after the (n) goes past the end of the template',
      file: '[John Smith]_+12125550199-101_20240228103000(42)-copy.wav',
      settings: { template: '3cx' },
      error: /at "-copy", past the end of the template/,
    },
    {
      name: 'a custom template says where it stopped too',
      file: 'agent7_2024.wav',
      settings: { template: '{agentId:word}_{start:YYYYMMDD}' },
      error: /does not match the template.*read "agent7_" and stopped at "2024", where it expected \{start:YYYYMMDD\}/,
    },
  ];
  for (const { name, file, settings, error } of refusals) {
    it(name, () => {
      const r = readFileName(file, settings);
      expect(r.error).toMatch(error);
      expect(r.templateInvalid).toBe(false);
      expect(r.fields.callId).toBeUndefined();
    });
  }
});

describe('template typos', () => {
  it('suggests the preset a typo meant', () => {
    expect(suggestPreset('freepxb')).toBe('freepbx');
    expect(suggestPreset('FreePBX ')).toBe('freepbx');
    expect(suggestPreset('3xc')).toBe('3cx');
    expect(suggestPreset('ringcentrl')).toBe('ringcentral');
    expect(suggestPreset('amazon connect')).toBe('amazon-connect');
    expect(suggestPreset('something else entirely')).toBeNull();
  });

  it('refuses a bare word, accepts presets and templates with fields', () => {
    expect(checkTemplateSetting('freepxb')).toMatch(
      /"freepxb" is neither a preset.*did you mean freepbx\?.*Presets: freepbx, 3cx/,
    );
    expect(checkTemplateSetting('recording')).not.toMatch(/did you mean/);
    expect(checkTemplateSetting('Twilio')).toBeNull();
    expect(checkTemplateSetting('rec-{callId}')).toBeNull();
    expect(checkTemplateSetting('rec-\\{callId\\}')).toMatch(/neither a preset/);
  });
});
