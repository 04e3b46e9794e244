// The shipped Group Policy template (resources/windows): well-formed, every string and
// presentation it names exists in the ADML, and every value it writes is one CallRelay reads:
// a registry holding a value for each of its policies parses as a valid policy.
/* eslint-disable @typescript-eslint/no-explicit-any -- parsed XML has no static shape */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../electron/core/config/managed-policy.js';
import { parseRegQuery } from '../../../electron/core/config/policy-source.js';

const dir = path.resolve(import.meta.dirname, '..', '..', '..', 'resources', 'windows');
const admxText = fs.readFileSync(path.join(dir, 'callrelay.admx'), 'utf8');
const admlText = fs.readFileSync(path.join(dir, 'en-US', 'callrelay.adml'), 'utf8');
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** A valid sample for each value the template can write. */
const samples: Record<string, string> = {
  destinations: `REG_SZ    ${JSON.stringify([{ name: 'central', kind: 'callab', baseUrl: 'https://api.example.com/', auth: { token: 'env:CALLAB_TOKEN' } }])}`,
  folders: 'REG_SZ    []',
  'concurrency.global': 'REG_DWORD    0x2',
  'concurrency.perDestination': 'REG_DWORD    0x1',
  'bandwidth.defaultBytesPerSec': 'REG_DWORD    0x100000',
  'bandwidth.schedule': 'REG_SZ    [{"from":"08:00","to":"18:00","bytesPerSec":524288}]',
  'notifications.reviewWaiting': 'REG_DWORD    0x1',
  'updates.mode': 'REG_SZ    auto',
  'updates.url': 'REG_SZ    https://updates.example.com/callrelay',
  'updates.channel': 'REG_SZ    latest',
  'updates.stagedPercentage': 'REG_DWORD    0x14',
};

describe('resources/windows/callrelay.admx', () => {
  it('is well-formed, with its ADML', () => {
    expect(XMLValidator.validate(admxText)).toBe(true);
    expect(XMLValidator.validate(admlText)).toBe(true);
  });

  const admx = parser.parse(admxText) as any;
  const policies = admx.policyDefinitions[0].policies[0].policy as any[];

  it('names only strings and presentations the ADML defines', () => {
    const adml = parser.parse(admlText) as any;
    const strings = new Set(
      (adml.policyDefinitionResources[0].resources[0].stringTable[0].string as any[]).map((s) => s.id),
    );
    const presentations = new Set(
      (adml.policyDefinitionResources[0].resources[0].presentationTable[0].presentation as any[]).map((p) => p.id),
    );
    const refs = [...admxText.matchAll(/\$\(string\.([^)]+)\)/g)].map((m) => m[1]);
    expect(refs.filter((r) => !strings.has(r))).toEqual([]);
    const pres = [...admxText.matchAll(/\$\(presentation\.([^)]+)\)/g)].map((m) => m[1]);
    expect(pres.filter((p) => !presentations.has(p))).toEqual([]);
  });

  it('writes only values CallRelay reads, under Enforced and Recommended, and they parse as a policy', () => {
    const byKey = new Map<string, string[]>();
    for (const policy of policies) {
      const names: string[] = policy.valueName
        ? [policy.valueName]
        : Object.values(policy.elements[0]).flatMap((els) => (els as { valueName: string }[]).map((e) => e.valueName));
      byKey.set(policy.key, [...(byKey.get(policy.key) ?? []), ...names]);
    }
    expect([...byKey.keys()].sort()).toEqual([
      'Software\\Policies\\CallRelay\\Enforced',
      'Software\\Policies\\CallRelay\\Recommended',
    ]);
    const lines: string[] = [];
    for (const [key, names] of byKey) {
      lines.push(`HKEY_LOCAL_MACHINE\\${key}`);
      for (const name of names) {
        expect(samples, `a sample for ${name}`).toHaveProperty([name]);
        lines.push(`    ${name}    ${samples[name]}`);
      }
    }
    const policy = parsePolicy(parseRegQuery(lines.join('\r\n'))!, 'registry');
    expect(policy.enforced.concurrency).toEqual({ global: 2, perDestination: 1 });
    expect(policy.enforced.notifications).toEqual({ reviewWaiting: true });
    expect(policy.recommended.updates).toEqual({
      mode: 'auto',
      url: 'https://updates.example.com/callrelay',
      channel: 'latest',
      stagedPercentage: 20,
    });
  });
});
