import { describe, expect, it } from 'vitest';
import { summarizeStatus, timeLeft, type StatusSummaryInput } from '../../../shared/status-summary.js';

const clock = (iso: string) => iso.slice(11, 16);
const online = { name: 'comswise', paused: false, online: true, health: 'online' as const };
const base: StatusSummaryInput = { counts: {}, paused: false, destinations: [online] };
const say = (input: Partial<StatusSummaryInput>) => summarizeStatus({ ...base, ...input }, { formatClock: clock });

describe('summarizeStatus', () => {
  it('all delivered, with today’s count', () => {
    const s = say({ counts: { done: 29, failed: 2 }, deliveredToday: 29 });
    expect(s.text).toBe('All delivered · 29 today');
    expect(s.tone).toBe('ok');
    // Old failures are history, not work in progress.
    expect(say({ counts: { failed: 3 } }).text).toBe('All delivered');
  });

  it('sending, with the time left at the recent rate', () => {
    expect(say({ counts: { queued: 2, running: 1 }, etaSec: 120 }).text).toBe('Sending 3 · 2 min left');
    expect(say({ counts: { 'retry-wait': 1 }, etaSec: 20 }).text).toBe('Sending 1 · less than a minute left');
    expect(say({ counts: { queued: 5000 }, etaSec: 4800 }).text).toBe('Sending 5,000 · 1 h 20 min left');
    expect(say({ counts: { queued: 2 }, etaSec: null }).text).toBe('Sending 2');
    expect(say({ counts: { queued: 2 } }).tone).toBe('busy');
  });

  it('calls waiting for a person lead to Review', () => {
    const s = say({ counts: { 'needs-review': 2, done: 4 }, deliveredToday: 4 });
    expect(s.text).toBe('2 need you');
    expect(s.parts[0]).toMatchObject({ kind: 'need-you', href: '#/review' });
    expect(s.tone).toBe('attention');
    expect(say({ reviewWaiting: 1, counts: { queued: 1 } }).text).toBe('1 need you · Sending 1');
  });

  it('a destination down says since when, and comes before the rest', () => {
    const down = { ...online, online: false, health: 'down' as const, since: '2026-11-20T19:41:00.000Z' };
    const s = say({ destinations: [down, { ...online, name: 'cx' }], counts: { queued: 3 } });
    expect(s.text).toBe('comswise is down since 19:41 · Sending 3');
    expect(s.tone).toBe('down');
    expect(s.parts[0]).toMatchObject({ kind: 'down', destination: 'comswise', href: '#/dashboard' });
    // A destination a person paused is their choice, not "down".
    expect(say({ destinations: [{ ...down, paused: true }] }).text).toBe('All delivered');
    // Failing before health says so; degraded in plain words.
    expect(say({ failingDestinations: ['comswise'] }).text).toContain('comswise is failing');
    expect(say({ destinations: [{ ...online, health: 'degraded' as const }] }).text).toContain(
      'comswise is failing some deliveries',
    );
  });

  it('paused and unreachable say so', () => {
    expect(say({ paused: true }).text).toBe('Deliveries paused');
    expect(say({ paused: true, counts: { paused: 4 } }).text).toBe('Deliveries paused · 4 calls wait');
    const lost = say({ connected: false });
    expect(lost.tone).toBe('offline');
    expect(lost.text).toBe('Host unreachable — check that CallRelay is running');
  });
});

describe('timeLeft', () => {
  it('reads like a person would say it', () => {
    expect(timeLeft(59)).toBe('less than a minute left');
    expect(timeLeft(90)).toBe('2 min left');
    expect(timeLeft(3600)).toBe('1 h left');
    expect(timeLeft(3 * 86_400)).toBe('3 days left');
  });
});
