import { describe, expect, it } from 'vitest';
import {
  readFileName,
  type FileNameReading,
  type MetadataSettings,
} from '../../../electron/core/metadata/describe-recording.js';
import { presets } from '../../../electron/core/metadata/presets.js';
import { compileTemplate, matchTemplate, TemplateError } from '../../../electron/core/metadata/template-language.js';

const freepbx = { template: 'freepbx', timezone: 'America/New_York', region: 'US' };

describe('presets', () => {
  const readings: {
    name: string;
    fileName: string;
    settings: MetadataSettings;
    fields: Record<string, unknown>;
    sources?: Record<string, string>;
    absent?: (keyof FileNameReading['fields'])[];
  }[] = [
    {
      name: 'freepbx: reads an inbound name, keeping the dot of the unique id, in the folder zone',
      fileName: 'in-2125550100-2125550199-20240228-103000-1709116200.123.wav',
      settings: freepbx,
      fields: {
        to: '+12125550100',
        from: '+12125550199',
        direction: 'inbound',
        callId: '1709116200.123',
        startTime: '2024-02-28T15:30:00Z',
        customerPhone: '+12125550199',
      },
      sources: { to: 'filename', callId: 'filename', customerPhone: 'derived' },
    },
    {
      name: 'freepbx: reads an outbound name, the short source number becoming the extension',
      fileName: 'out-2125550199-101-20240715-080910-1721030950.4471.mp3',
      settings: freepbx,
      fields: {
        to: '+12125550199',
        extensionId: '101',
        direction: 'outbound',
        callId: '1721030950.4471',
        startTime: '2024-07-15T12:09:10Z',
      },
      absent: ['from'],
    },
    {
      name: 'freepbx: reads a queue name',
      fileName: 'q-600-+442079460000-20240228-103000-1709116200.125.wav',
      settings: freepbx,
      fields: { from: '+442079460000', direction: 'inbound', extra: { queue: '600' } },
    },
    {
      name: 'freepbx: reads an exten name',
      fileName: 'exten-201-2125550199-20240228-103000-1709116200.126.wav',
      settings: freepbx,
      fields: { extensionId: '201', from: '+12125550199', direction: 'inbound' },
    },
    {
      name: 'freepbx: reads a ring-group name',
      fileName: 'rg-700-2125550199-20240228-103000-1709116200.127.wav',
      settings: freepbx,
      fields: { extra: { ringGroup: '700' }, direction: 'inbound' },
    },
    {
      name: '3cx: reads display names with unicode, brackets and parentheses, and numbers in parentheses',
      fileName: '[Jürgen Müller (Vertrieb)]_(212) 555 0199-101_20240228103000(42).wav',
      settings: { template: '3cx', timezone: 'Europe/Berlin', region: 'US' },
      fields: {
        customerName: 'Jürgen Müller (Vertrieb)',
        from: '+12125550199',
        extensionId: '101',
        direction: 'inbound',
        startTime: '2024-02-28T09:30:00Z',
        extra: { callHistoryId: '42' },
      },
    },
    {
      name: '3cx: reads an outgoing call with an international number and no (n)',
      fileName: '[株式会社 テスト]_102-+81312345678_20241103013000.wav',
      settings: { template: '3cx', timezone: 'Asia/Tokyo', region: 'JP' },
      fields: {
        customerName: '株式会社 テスト',
        extensionId: '102',
        to: '+81312345678',
        direction: 'outbound',
        startTime: '2024-11-02T16:30:00Z',
      },
    },
    {
      name: 'ringcentral: reads an incoming export, the phone number with brackets and dashes',
      fileName: '20240228-103000_101_(212) 555-0199_Incoming_Auto_2937465001.mp3',
      settings: { template: 'ringcentral', timezone: 'America/Los_Angeles', region: 'US' },
      fields: {
        extensionId: '101',
        from: '+12125550199',
        customerPhone: '+12125550199',
        direction: 'inbound',
        callId: '2937465001',
        startTime: '2024-02-28T18:30:00Z',
        extra: { recordingType: 'Auto' },
      },
    },
    {
      name: 'ringcentral: reads an outgoing export with an international number',
      fileName: '20240228-103000_Anna Smith_+44 20 7946 0000_Outgoing_OnDemand_2937465002.mp3',
      settings: { template: 'ringcentral', region: 'US' },
      fields: { extensionId: 'Anna Smith', to: '+442079460000', direction: 'outbound', callId: '2937465002' },
    },
    {
      name: 'zoom-cc: reads the GMT time as UTC whatever the folder zone',
      fileName: 'GMT20240228-103000_8Jd7Ks2Q_voice.m4a',
      settings: { template: 'zoom-cc', timezone: 'Asia/Kolkata' },
      fields: { startTime: '2024-02-28T10:30:00Z', groupingId: '8Jd7Ks2Q', extra: { recordingType: 'voice' } },
    },
    {
      name: 'dashed-numeric: reads the to-number, direction, ddMMyy and HHmmss',
      fileName: '1034-119-17-2075-2029-7678334829-o-0-251125-180353.wav',
      settings: { template: 'dashed-numeric', timezone: 'Asia/Kolkata', region: 'IN' },
      fields: { to: '+917678334829', direction: 'outbound', startTime: '2025-11-25T12:33:53Z' },
    },
    {
      name: 'dashed-numeric: puts the number of an inbound (i) call in `from`',
      fileName: '1034-119-17-2075-2029-7678334829-i-3-010124-000001.wav',
      settings: { template: 'dashed-numeric', timezone: 'Asia/Kolkata', region: 'IN' },
      fields: { from: '+917678334829', direction: 'inbound', startTime: '2023-12-31T18:30:01Z' },
    },
  ];

  // Loops, not it.each: it.each would cut these titles at 40 characters.
  for (const { name, fileName, settings, fields, sources, absent = [] } of readings) {
    it(name, () => {
      const r = readFileName(fileName, settings);
      expect(r.error).toBeNull();
      expect(r.fields).toMatchObject(fields);
      if (sources) expect(r.sources).toMatchObject(sources);
      for (const field of absent) expect(r.fields[field], field).toBeUndefined();
    });
  }

  const refusals: { name: string; fileName: string; settings: MetadataSettings; error: RegExp }[] = [
    {
      name: 'freepbx: explains a name that is not FreePBX',
      fileName: 'meeting notes 2024.wav',
      settings: freepbx,
      error: /does not match the freepbx preset.*in-2125550100/,
    },
    {
      name: 'freepbx: rejects an impossible date with a reason',
      fileName: 'in-2125550100-2125550199-20240231-103000-1709116200.123.wav',
      settings: freepbx,
      error: /does not match/,
    },
    {
      name: '3cx: gives a reason for a name without the bracketed display name',
      fileName: '101-102_20240228103000(1).wav',
      settings: { template: '3cx' },
      error: /3cx preset/,
    },
    {
      name: 'zoom-cc: gives a reason for a non-Zoom name',
      fileName: '20240228-103000_x_voice.m4a',
      settings: { template: 'zoom-cc' },
      error: /zoom-cc/,
    },
    {
      name: 'dashed-numeric: rejects a name with a letter where the direction should be',
      fileName: '1034-7678334829-x-0-251125-180353.wav',
      settings: { template: 'dashed-numeric' },
      error: /dashed-numeric/,
    },
  ];

  for (const { name, fileName, settings, error } of refusals) {
    it(name, () => {
      const r = readFileName(fileName, settings);
      expect(r.error).toMatch(error);
      expect(r.fields.callId).toBeUndefined();
    });
  }

  it('freepbx: keeps a withheld caller out of `from` with a named issue', () => {
    const r = readFileName('in-2125550100-anonymous-20240228-103000-1709116200.128.wav', freepbx);
    expect(r.fields.from).toBeUndefined();
    expect(r.fields.to).toBe('+12125550100');
    expect(r.issues).toEqual([
      expect.objectContaining({ field: 'from', message: expect.stringContaining('anonymous') }),
    ]);
  });
});

describe('template language', () => {
  it('matches every preset example', () => {
    for (const preset of Object.values(presets)) {
      for (const example of preset.examples) {
        const result = matchTemplate(compileTemplate(preset.template), example);
        expect(result, `${preset.name}: ${example}`).toHaveProperty('match');
      }
    }
  });

  it('supports constants, extra fields, escapes and epoch seconds', () => {
    const r = readFileName('rec_{A1}_1709116200_ord-77.ogg', {
      template: 'rec_\\{{agentId:word}\\}_{start:epoch}_ord-{orderId:digits}{channel=call}{extra.site=Leeds}',
    });
    expect(r.error).toBeNull();
    expect(r.fields).toMatchObject({
      agentId: 'A1',
      orderId: '77',
      channel: 'call',
      startTime: '2024-02-28T10:30:00Z',
      extra: { site: 'Leeds' },
    });
  });

  it('tries alternatives in order', () => {
    const t = '{from:digits}_{to:digits} | {customerName}';
    expect(readFileName('Someone Else.wav', { template: t, region: 'US' }).fields).toEqual({
      customerName: 'Someone Else',
    });
  });

  it('reports what is wrong with a broken template', () => {
    expect(() => compileTemplate('in-{frm}')).toThrow(TemplateError);
    expect(() => compileTemplate('in-{frm}')).toThrow(/unknown field "frm"/);
    expect(() => compileTemplate('{start}')).toThrow(/date format/);
    expect(() => compileTemplate('{from:number}')).toThrow(/unknown kind/);
    expect(() => compileTemplate('{to')).toThrow(/never closed/);
    expect(() => compileTemplate('{tz=Mars/Olympus}')).toThrow(/IANA/);
    const r = readFileName('x.wav', { template: 'x-{nope}' });
    expect(r.templateInvalid).toBe(true);
    expect(r.error).toMatch(/template is invalid/);
  });
});
