import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../../shared/config.js';
import { HandlerError } from '../../../shared/contract-host.js';
import { configFromDraft, createDestinationHandlers } from '../../../electron/core/api/destination-handlers.js';
import { createDestination } from '../../../electron/core/destinations/create-destination.js';
import type { Destination } from '../../../electron/core/destinations/destination.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { startSandbox, type Sandbox } from '../../../electron/headless/sandbox/sandbox.js';

let sandbox: Sandbox;
let saved: DestinationConfig[];
let handlers: ReturnType<typeof createDestinationHandlers>;
const deps = { logger: createSilentLogger(), clock: systemClock };

beforeAll(async () => {
  sandbox = await startSandbox({});
  saved = sandbox.destinationConfigs();
  const built = new Map<string, Destination>(saved.map((c) => [c.name, createDestination(c, deps)]));
  handlers = createDestinationHandlers({
    getDestination: (name) => built.get(name),
    build: (config) => createDestination(config, deps),
    resolveDraft: (draft) => ({
      stored: saved.find((d) => d.name === draft.name),
      secrets: { resolve: (value) => (value.startsWith('env:') ? `resolved-${value.slice(4)}` : value) },
    }),
    timeoutMs: 5000,
  });
});
afterAll(async () => {
  await sandbox.close();
});

describe('destination handlers', () => {
  it('tests every saved sandbox destination ok', async () => {
    for (const config of saved) {
      const answer = await handlers['destination:test']({ name: config.name });
      expect(answer.status, `${config.name}: ${answer.message}`).toBe('ok');
      expect(answer.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('tests a draft: blank secrets keep the saved ones, typed ones replace them', async () => {
    const comswise = saved.find((d) => d.kind === 'comswise')!;
    const keep = await handlers['destination:test']({
      draft: { name: 'comswise', kind: 'comswise', baseUrl: comswise.baseUrl, auth: { token: '' } },
    });
    expect(keep.status).toBe('ok');
    const replaced = await handlers['destination:test']({
      draft: { name: 'comswise', kind: 'comswise', baseUrl: comswise.baseUrl, auth: { token: 'env:WRONG' } },
    });
    expect(replaced.status).toBe('bad-credentials');
    const tus = saved.find((d) => d.kind === 'tus')!;
    const tusKeep = await handlers['destination:test']({
      draft: { name: 'tus', kind: 'tus', baseUrl: tus.baseUrl, auth: { headers: { authorization: '' } } },
    });
    expect(tusKeep.status).toBe('ok');
  });

  it('says unreachable for a dead address and rejects a malformed draft', async () => {
    const dead = await handlers['destination:test']({
      draft: { name: 'new', kind: 'callab', baseUrl: 'http://127.0.0.1:9', auth: { token: 't' } },
    });
    expect(dead.status).toBe('unreachable');
    expect(dead.message).toMatch(/cannot reach/i);
    await expect(
      handlers['destination:test']({
        draft: { name: 'new', kind: 'callab', baseUrl: 'not a url', auth: { token: 't' } },
      }),
    ).rejects.toBeInstanceOf(HandlerError);
    await expect(handlers['destination:test']({ name: 'missing' })).rejects.toThrow(
      /No enabled destination named "missing"/,
    );
  });

  it('gives each kind its field list', async () => {
    expect(await handlers['destination:schema']({ name: 'cx' })).toEqual({
      kind: 'cx',
      required: ['callId', 'agentId', 'channel', 'skillId', 'customerName', 'customerPhone'],
      optional: ['from', 'to', 'direction'],
    });
    expect((await handlers['destination:schema']({ name: 'comswise' })).required).toEqual(['callId', 'startTime']);
  });

  it("keeps a kind's own config fields the form does not edit (tus chunkSizeBytes)", () => {
    const tus = { ...saved.find((d) => d.kind === 'tus')!, chunkSizeBytes: 1024 * 1024 } as DestinationConfig;
    const secrets = { resolve: (value: string) => value };
    const draft = { name: 'tus', kind: 'tus' as const, baseUrl: tus.baseUrl, auth: { headers: {} } };
    expect(configFromDraft(draft, tus, secrets)).toMatchObject({ kind: 'tus', chunkSizeBytes: 1024 * 1024 });
    // Another kind under the same name keeps nothing of the saved one.
    const other = configFromDraft({ ...draft, kind: 'callab', auth: { token: 't' } }, tus, secrets);
    expect(other).not.toHaveProperty('chunkSizeBytes');
  });
});
