import { describe, expect, it } from 'vitest';
import { readPhoneNumber } from '../../../electron/core/metadata/phone-number.js';
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
  it('applies standard and summer offsets', () => {
    expect(utc(at(2024, 1, 15, 9, 0), 'America/New_York')).toBe('2024-01-15T14:00:00Z');
    expect(utc(at(2024, 7, 15, 9, 0), 'America/New_York')).toBe('2024-07-15T13:00:00Z');
    expect(utc(at(2024, 7, 15, 9, 0), 'Europe/London')).toBe('2024-07-15T08:00:00Z');
    expect(utc(at(2024, 2, 28, 16, 0), 'Asia/Kolkata')).toBe('2024-02-28T10:30:00Z');
    expect(utc(at(2024, 2, 28, 10, 30), 'UTC')).toBe('2024-02-28T10:30:00Z');
  });

  it('moves a time skipped by spring-forward past the gap', () => {
    // 2024-03-10 02:30 does not exist in New York; the clock jumped from 02:00 EST to 03:00 EDT.
    expect(utc(at(2024, 3, 10, 2, 30), 'America/New_York')).toBe('2024-03-10T07:30:00Z');
    expect(utc(at(2024, 3, 10, 3, 0), 'America/New_York')).toBe('2024-03-10T07:00:00Z');
    expect(utc(at(2024, 3, 31, 1, 30), 'Europe/London')).toBe('2024-03-31T01:30:00Z');
  });

  it('takes the first of two repeated fall-back times', () => {
    // 01:30 happens twice on 2024-11-03 in New York: first EDT (05:30Z), then EST (06:30Z).
    expect(utc(at(2024, 11, 3, 1, 30), 'America/New_York')).toBe('2024-11-03T05:30:00Z');
    expect(utc(at(2024, 11, 3, 2, 30), 'America/New_York')).toBe('2024-11-03T07:30:00Z');
    expect(utc(at(2024, 10, 27, 2, 30), 'Europe/Berlin')).toBe('2024-10-27T00:30:00Z');
  });

  it('handles southern-hemisphere summer time', () => {
    expect(utc(at(2024, 1, 10, 12, 0), 'Australia/Sydney')).toBe('2024-01-10T01:00:00Z');
    expect(utc(at(2024, 7, 10, 12, 0), 'Australia/Sydney')).toBe('2024-07-10T02:00:00Z');
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
  it('normalises national and international numbers with the folder region', () => {
    expect(readPhoneNumber('(212) 555-0100', 'US')).toEqual({ e164: '+12125550100' });
    expect(readPhoneNumber('07700 900123', 'GB')).toEqual({ e164: '+447700900123' });
    expect(readPhoneNumber('076783 34829', 'IN')).toEqual({ e164: '+917678334829' });
    expect(readPhoneNumber('0049 30 1234567', 'US')).toEqual({ e164: '+49301234567' });
    expect(readPhoneNumber('+1 (212) 555-0100', undefined)).toEqual({ e164: '+12125550100' });
  });

  it('tells extensions, withheld callers and region-less numbers apart', () => {
    expect(readPhoneNumber('101', 'US')).toEqual({ extension: '101' });
    expect(readPhoneNumber('anonymous', 'US')).toEqual({ error: expect.stringMatching(/not a phone number/) });
    expect(readPhoneNumber('2125550100', undefined)).toEqual({ error: expect.stringMatching(/default region/) });
    expect(readPhoneNumber('12345678901234567', 'US')).toEqual({ error: expect.stringMatching(/not a possible/) });
  });
});
