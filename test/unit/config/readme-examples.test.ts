// The README's config examples are real configs: each JSON block that has "destinations" parses
// (a managed-policy example, with "enforced", parses as a policy).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config, describeIssues } from '../../../shared/config.js';
import { parsePolicy } from '../../../electron/core/config/managed-policy.js';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
  .map((m) => m[1] ?? '')
  .filter((text) => text.includes('"destinations"'));
const policies = blocks.filter((text) => text.includes('"enforced"'));
const configs = blocks.filter((text) => !policies.includes(text));

describe('README config examples', () => {
  it('has examples to check', () => {
    expect(configs.length).toBeGreaterThanOrEqual(2);
  });

  it.each(policies.map((text, i) => [i, text]))('policy example %i is a valid policy', (_i, text) => {
    expect(() => parsePolicy(text as string, 'README')).not.toThrow();
  });

  it.each(configs.map((text, i) => [i, text]))('example %i is a valid config', (_i, text) => {
    const parsed = Config.safeParse(JSON.parse(text as string));
    expect(parsed.success ? 'valid' : describeIssues(parsed.error)).toBe('valid');
  });

  it('shows every destination kind', () => {
    const kinds = new Set(blocks.flatMap((b) => [...b.matchAll(/"kind": "([a-z-]+)"/g)].map((m) => m[1])));
    expect([...kinds].sort()).toEqual(['add-calls', 'agent-calls', 'callab', 'comswise', 'cx', 'tus']);
  });
});
