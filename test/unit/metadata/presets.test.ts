import { describe, expect, it } from 'vitest';
import { readFileName } from '../../../electron/core/metadata/describe-recording.js';
import { presets } from '../../../electron/core/metadata/presets.js';
import { compileTemplate, matchTemplate, TemplateError } from '../../../electron/core/metadata/template-language.js';

describe('freepbx preset', () => {
  const settings = { template: 'freepbx', timezone: 'America/New_York', region: 'US' };

  it('reads an inbound name, keeping the dot of the unique id, in the folder zone', () => {
    const r = readFileName('in-2125550100-2125550199-20240228-103000-1709116200.123.wav', settings);
    expect(r.error).toBeNull();
    expect(r.fields).toMatchObject({
      to: '+12125550100',
      from: '+12125550199',
      direction: 'inbound',
      callId: '1709116200.123',
      startTime: '2024-02-28T15:30:00Z',
      customerPhone: '+12125550199',
    });
    expect(r.sources).toMatchObject({ to: 'filename', callId: 'filename', customerPhone: 'derived' });
  });

  it('reads an outbound name, the short source number becoming the extension', () => {
    const r = readFileName('out-2125550199-101-20240715-080910-1721030950.4471.mp3', settings);
    expect(r.fields).toMatchObject({
      to: '+12125550199',
      extensionId: '101',
      direction: 'outbound',
      callId: '1721030950.4471',
      startTime: '2024-07-15T12:09:10Z',
    });
    expect(r.fields.from).toBeUndefined();
  });

  it('reads queue, exten and ring-group names', () => {
    const q = readFileName('q-600-+442079460000-20240228-103000-1709116200.125.wav', settings);
    expect(q.fields).toMatchObject({ from: '+442079460000', direction: 'inbound', extra: { queue: '600' } });
    const exten = readFileName('exten-201-2125550199-20240228-103000-1709116200.126.wav', settings);
    expect(exten.fields).toMatchObject({ extensionId: '201', from: '+12125550199', direction: 'inbound' });
    const rg = readFileName('rg-700-2125550199-20240228-103000-1709116200.127.wav', settings);
    expect(rg.fields).toMatchObject({ extra: { ringGroup: '700' }, direction: 'inbound' });
  });

  it('keeps a withheld caller out of `from` with a named issue', () => {
    const r = readFileName('in-2125550100-anonymous-20240228-103000-1709116200.128.wav', settings);
    expect(r.fields.from).toBeUndefined();
    expect(r.fields.to).toBe('+12125550100');
    expect(r.issues).toEqual([
      expect.objectContaining({ field: 'from', message: expect.stringContaining('anonymous') }),
    ]);
  });

  it('explains a name that is not FreePBX', () => {
    const r = readFileName('meeting notes 2024.wav', settings);
    expect(r.error).toMatch(/does not match the freepbx preset.*in-2125550100/);
    expect(r.fields.callId).toBeUndefined();
  });

  it('rejects an impossible date with a reason', () => {
    const r = readFileName('in-2125550100-2125550199-20240231-103000-1709116200.123.wav', settings);
    expect(r.error).toMatch(/does not match/);
  });
});

describe('3cx preset', () => {
  it('reads display names with unicode, brackets and parentheses, and numbers in parentheses', () => {
    const r = readFileName('[Jürgen Müller (Vertrieb)]_(212) 555 0199-101_20240228103000(42).wav', {
      template: '3cx',
      timezone: 'Europe/Berlin',
      region: 'US',
    });
    expect(r.error).toBeNull();
    expect(r.fields).toMatchObject({
      customerName: 'Jürgen Müller (Vertrieb)',
      from: '+12125550199',
      extensionId: '101',
      direction: 'inbound',
      startTime: '2024-02-28T09:30:00Z',
      extra: { callHistoryId: '42' },
    });
  });

  it('reads an outgoing call with an international number and no (n)', () => {
    const r = readFileName('[株式会社 テスト]_102-+81312345678_20241103013000.wav', {
      template: '3cx',
      timezone: 'Asia/Tokyo',
      region: 'JP',
    });
    expect(r.fields).toMatchObject({
      customerName: '株式会社 テスト',
      extensionId: '102',
      to: '+81312345678',
      direction: 'outbound',
      startTime: '2024-11-02T16:30:00Z',
    });
  });

  it('gives a reason for a name without the bracketed display name', () => {
    expect(readFileName('101-102_20240228103000(1).wav', { template: '3cx' }).error).toMatch(/3cx preset/);
  });
});

describe('ringcentral preset', () => {
  it('reads incoming and outgoing exports, phone numbers with brackets and dashes', () => {
    const inbound = readFileName('20240228-103000_101_(212) 555-0199_Incoming_Auto_2937465001.mp3', {
      template: 'ringcentral',
      timezone: 'America/Los_Angeles',
      region: 'US',
    });
    expect(inbound.fields).toMatchObject({
      extensionId: '101',
      from: '+12125550199',
      customerPhone: '+12125550199',
      direction: 'inbound',
      callId: '2937465001',
      startTime: '2024-02-28T18:30:00Z',
      extra: { recordingType: 'Auto' },
    });
    const outbound = readFileName('20240228-103000_Anna Smith_+44 20 7946 0000_Outgoing_OnDemand_2937465002.mp3', {
      template: 'ringcentral',
      region: 'US',
    });
    expect(outbound.fields).toMatchObject({
      extensionId: 'Anna Smith',
      to: '+442079460000',
      direction: 'outbound',
      callId: '2937465002',
    });
  });
});

describe('zoom-cc preset', () => {
  it('reads the GMT time as UTC whatever the folder zone', () => {
    const r = readFileName('GMT20240228-103000_8Jd7Ks2Q_voice.m4a', { template: 'zoom-cc', timezone: 'Asia/Kolkata' });
    expect(r.fields).toMatchObject({
      startTime: '2024-02-28T10:30:00Z',
      groupingId: '8Jd7Ks2Q',
      extra: { recordingType: 'voice' },
    });
  });

  it('gives a reason for a non-Zoom name', () => {
    expect(readFileName('20240228-103000_x_voice.m4a', { template: 'zoom-cc' }).error).toMatch(/zoom-cc/);
  });
});

describe('dashed-numeric preset', () => {
  it('reads the to-number, direction, ddMMyy and HHmmss', () => {
    const r = readFileName('1034-119-17-2075-2029-7678334829-o-0-251125-180353.wav', {
      template: 'dashed-numeric',
      timezone: 'Asia/Kolkata',
      region: 'IN',
    });
    expect(r.error).toBeNull();
    expect(r.fields).toMatchObject({
      to: '+917678334829',
      direction: 'outbound',
      startTime: '2025-11-25T12:33:53Z',
    });
  });

  it('puts the number of an inbound (i) call in `from`', () => {
    const r = readFileName('1034-119-17-2075-2029-7678334829-i-3-010124-000001.wav', {
      template: 'dashed-numeric',
      timezone: 'Asia/Kolkata',
      region: 'IN',
    });
    expect(r.fields).toMatchObject({ from: '+917678334829', direction: 'inbound', startTime: '2023-12-31T18:30:01Z' });
  });

  it('rejects a name with a letter where the direction should be', () => {
    expect(readFileName('1034-7678334829-x-0-251125-180353.wav', { template: 'dashed-numeric' }).error).toMatch(
      /dashed-numeric/,
    );
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
