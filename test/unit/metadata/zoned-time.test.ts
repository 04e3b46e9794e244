import { describe, expect, it } from 'vitest';
import { readPhoneNumber } from '../../../shared/phone-number.js';
import { checkTimeZone, localToUtcMs, parseTimeValue, toIsoUtc } from '../../../electron/core/metadata/zoned-time.js';

const at = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => ({
  year: y,
  month: mo,
  day: d,
  hour: h,
  minute: mi,
  second: s,
});
const utc = (local: ReturnType<typeof at>, zone: string) => toIsoUtc(localToUtcMs(local, zone));

describe('local time to UTC', () => {
  // Each row: why, zone, the UTC instant, the local wall-clock time that is it.
  it.each([
    ['standard offset', 'America/New_York', '2024-01-15T14:00:00Z', at(2024, 1, 15, 9, 0)],
    ['summer offset', 'America/New_York', '2024-07-15T13:00:00Z', at(2024, 7, 15, 9, 0)],
    ['summer offset', 'Europe/London', '2024-07-15T08:00:00Z', at(2024, 7, 15, 9, 0)],
    ['half-hour offset', 'Asia/Kolkata', '2024-02-28T10:30:00Z', at(2024, 2, 28, 16, 0)],
    ['no offset', 'UTC', '2024-02-28T10:30:00Z', at(2024, 2, 28, 10, 30)],
    // 2024-03-10 02:30 does not exist in New York; the clock jumped from 02:00 EST to 03:00 EDT.
    [
      'skipped by spring-forward, moved past the gap',
      'America/New_York',
      '2024-03-10T07:30:00Z',
      at(2024, 3, 10, 2, 30),
    ],
    ['the first time after spring-forward', 'America/New_York', '2024-03-10T07:00:00Z', at(2024, 3, 10, 3, 0)],
    ['skipped by spring-forward, moved past the gap', 'Europe/London', '2024-03-31T01:30:00Z', at(2024, 3, 31, 1, 30)],
    // 01:30 happens twice on 2024-11-03 in New York: first EDT (05:30Z), then EST (06:30Z).
    ['repeated by fall-back, the first one', 'America/New_York', '2024-11-03T05:30:00Z', at(2024, 11, 3, 1, 30)],
    ['the hour after fall-back', 'America/New_York', '2024-11-03T07:30:00Z', at(2024, 11, 3, 2, 30)],
    ['repeated by fall-back, the first one', 'Europe/Berlin', '2024-10-27T00:30:00Z', at(2024, 10, 27, 2, 30)],
    ['southern-hemisphere summer time', 'Australia/Sydney', '2024-01-10T01:00:00Z', at(2024, 1, 10, 12, 0)],
    ['southern-hemisphere winter time', 'Australia/Sydney', '2024-07-10T02:00:00Z', at(2024, 7, 10, 12, 0)],
  ])('%s in %s: %s', (_why, zone, expected, local) => {
    expect(utc(local, zone)).toBe(expected);
  });

  it('names a zone that does not exist', () => {
    expect(checkTimeZone('Europe/Paris')).toBeNull();
    expect(checkTimeZone('Mars/Olympus')).toMatch(/not an IANA time zone/);
  });

  it('reads sidecar times: with offset, local, epoch', () => {
    expect(parseTimeValue('2024-02-28T10:30:00+05:30', 'UTC')).toEqual({ ms: Date.parse('2024-02-28T05:00:00Z') });
    expect(parseTimeValue('2024-02-28 10:30:00', 'Asia/Kolkata')).toEqual({ ms: Date.parse('2024-02-28T05:00:00Z') });
    expect(parseTimeValue('1709116200', 'UTC')).toEqual({ ms: 1709116200000 });
    expect(parseTimeValue('1709116200123', 'UTC')).toEqual({ ms: 1709116200123 });
    expect(parseTimeValue('2024-02-30 10:00', 'UTC')).toEqual({ error: expect.stringMatching(/not a real date/) });
    expect(parseTimeValue('yesterday', 'UTC')).toEqual({ error: expect.stringMatching(/ISO 8601/) });
  });

  it('writes UTC without milliseconds', () => {
    expect(toIsoUtc(Date.parse('2024-02-28T10:30:00.400Z'))).toBe('2024-02-28T10:30:00Z');
    expect(toIsoUtc(Date.parse('2024-02-28T10:30:00.600Z'))).toBe('2024-02-28T10:30:01Z');
  });
});

describe('E.164', () => {
  it.each([
    // National and international numbers, read with the folder region.
    ['(212) 555-0100', 'US', { e164: '+12125550100' }],
    ['07700 900123', 'GB', { e164: '+447700900123' }],
    ['076783 34829', 'IN', { e164: '+917678334829' }],
    ['0049 30 1234567', 'US', { e164: '+49301234567' }],
    ['+1 (212) 555-0100', undefined, { e164: '+12125550100' }],
    // Extensions, withheld callers and region-less numbers are told apart.
    ['101', 'US', { extension: '101' }],
    ['anonymous', 'US', { error: expect.stringMatching(/not a phone number/) }],
    ['2125550100', undefined, { error: expect.stringMatching(/default region/) }],
    ['12345678901234567', 'US', { error: expect.stringMatching(/not a possible/) }],
  ])('reads %s (region %s) as %o', (raw, region, expected) => {
    expect(readPhoneNumber(raw, region)).toEqual(expected);
  });
});
