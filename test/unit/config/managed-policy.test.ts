import { describe, expect, it } from 'vitest';
import { Config, type ConfigInput } from '../../../shared/config.js';
import {
  effectiveUpdates,
  lockedPaths,
  mergePolicy,
  parsePolicy,
  PolicyError,
} from '../../../electron/core/config/managed-policy.js';
import { parseRegQuery } from '../../../electron/core/config/policy-source.js';

const dest = (name: string, token = 'env:T') => ({
  name,
  kind: 'comswise' as const,
  baseUrl: 'https://api.example.com/v1',
  auth: { token },
});

describe('merging a policy with the person’s config', () => {
  const cases: [string, ConfigInput, unknown, (c: Config) => void][] = [
    [
      'enforced wins',
      { concurrency: { global: 8 } },
      { enforced: { concurrency: { global: 2 } } },
      (c) => expect(c.concurrency.global).toBe(2),
    ],
    [
      'recommended fills an unset field',
      {},
      { recommended: { concurrency: { perDestination: 5 } } },
      (c) => expect(c.concurrency.perDestination).toBe(5),
    ],
    [
      'recommended yields to the person',
      { concurrency: { perDestination: 1 } },
      { recommended: { concurrency: { perDestination: 5 } } },
      (c) => expect(c.concurrency.perDestination).toBe(1),
    ],
    [
      'field by field: the person’s other fields stay',
      { concurrency: { perDestination: 1 } },
      { enforced: { concurrency: { global: 3 } } },
      (c) => expect(c.concurrency).toEqual({ global: 3, perDestination: 1 }),
    ],
    [
      'enforced destinations replace the list',
      { destinations: [dest('mine', 'x')] },
      { enforced: { destinations: [dest('central')] } },
      (c) => expect(c.destinations.map((d) => d.name)).toEqual(['central']),
    ],
    [
      'recommended destinations only when the person has none',
      { destinations: [dest('mine', 'x')] },
      { recommended: { destinations: [dest('central')] } },
      (c) => expect(c.destinations.map((d) => d.name)).toEqual(['mine']),
    ],
    [
      'recommended destinations for an empty config',
      {},
      { recommended: { destinations: [dest('central')] } },
      (c) => expect(c.destinations.map((d) => d.name)).toEqual(['central']),
    ],
    [
      'secrets stay references',
      {},
      { enforced: { destinations: [dest('central', 'env:SITE')] } },
      (c) => expect(c.destinations[0]!.auth).toEqual({ token: 'env:SITE' }),
    ],
  ];
  it.each(cases)('%s', (_name, user, policy, check) => {
    check(Config.parse(mergePolicy(user, parsePolicy(JSON.stringify(policy), 'policy.json'))));
  });

  it('lists what it locks', () => {
    const policy = parsePolicy(
      JSON.stringify({ enforced: { destinations: [dest('c')], concurrency: { global: 2 }, updates: { mode: 'off' } } }),
      'p',
    );
    expect(lockedPaths(policy)).toEqual(['destinations', 'concurrency.global', 'updates.mode']);
  });

  it.each([
    [
      'a literal secret',
      { enforced: { destinations: [dest('c', 'plain-secret')] } },
      'enforced.destinations.0.auth.token',
    ],
    ['an unknown key', { enforced: { colour: 'red' } }, 'colour'],
    ['a bad update URL', { enforced: { updates: { url: 'ftp://x' } } }, 'enforced.updates.url'],
  ])('refuses %s, naming the policy and the field', (_name, policy, field) => {
    expect(() => parsePolicy(JSON.stringify(policy), '/etc/callrelay/policy.json')).toThrow(PolicyError);
    expect(() => parsePolicy(JSON.stringify(policy), '/etc/callrelay/policy.json')).toThrow(
      new RegExp(`/etc/callrelay/policy.json[\\s\\S]*${field.replace(/\./g, '\\.')}`),
    );
  });

  it('update settings: enforced over recommended, off without a URL', () => {
    expect(effectiveUpdates(null)).toEqual({ mode: 'off' });
    const p = parsePolicy(
      JSON.stringify({
        recommended: { updates: { url: 'https://u.example.com/', channel: 'beta' } },
        enforced: { updates: { channel: 'latest', stagedPercentage: 20 } },
      }),
      'p',
    );
    expect(effectiveUpdates(p)).toEqual({
      url: 'https://u.example.com/',
      channel: 'latest',
      stagedPercentage: 20,
      mode: 'auto',
    });
  });
});

describe('the Windows registry policy (reg query output)', () => {
  it('reads Enforced and Recommended values by setting path', () => {
    const output = [
      '',
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\CallRelay\\Enforced',
      '    concurrency.global    REG_DWORD    0x2',
      '    notifications.reviewWaiting    REG_DWORD    0x0',
      '    updates.url    REG_SZ    https://updates.example.com/callrelay',
      `    destinations    REG_SZ    ${JSON.stringify([dest('central')])}`,
      '',
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\CallRelay\\Recommended',
      '    updates.channel    REG_SZ    beta',
      '',
    ].join('\r\n');
    const policy = parsePolicy(parseRegQuery(output)!, 'registry');
    expect(policy.enforced).toEqual({
      concurrency: { global: 2 },
      notifications: { reviewWaiting: false },
      updates: { url: 'https://updates.example.com/callrelay' },
      destinations: [{ ...dest('central'), defaults: {}, enabled: true }],
    });
    expect(policy.recommended).toEqual({ updates: { channel: 'beta' } });
  });

  it('no key, no policy', () => {
    expect(parseRegQuery('')).toBeNull();
  });
});
