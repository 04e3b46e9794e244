import { describe, expect, it } from 'vitest';
import { channelNames, events } from '../../../shared/contract.js';
import { ContractError, createContractClient, type ContractTransport } from '../../../shared/contract-client.js';
import { createContractDispatcher, HandlerError, type ContractHandlers } from '../../../shared/contract-host.js';
import { emptyCounts } from '../../../shared/model.js';

function handlersWith(overrides: Partial<ContractHandlers>): ContractHandlers {
  const missing = () => {
    throw new HandlerError('unavailable', 'not wired in this test');
  };
  return Object.fromEntries(channelNames.map((c) => [c, overrides[c] ?? missing])) as unknown as ContractHandlers;
}

describe('contract dispatcher', () => {
  const dispatcher = createContractDispatcher(
    handlersWith({
      'queue:stats': () => ({ counts: emptyCounts(), paused: false }),
      'job:retry': ({ ids }) => ({ updated: ids.length }),
      'job:get': () => {
        throw new Error('database is locked');
      },
    }),
  );

  it('answers a valid call with its value', async () => {
    await expect(dispatcher.dispatch('job:retry', { ids: ['a', 'b'] })).resolves.toEqual({
      ok: true,
      value: { updated: 2 },
    });
  });

  it('refuses an unknown channel without calling anything', async () => {
    const reply = await dispatcher.dispatch('fs:read', { path: '/etc/passwd' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });

  it('refuses bad input and names the field', async () => {
    const reply = await dispatcher.dispatch('job:retry', { ids: [] });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.message).toMatch(/ids/);
    const extra = await dispatcher.dispatch('job:retry', { ids: ['a'], sql: 'drop table' });
    expect(extra.ok).toBe(false);
  });

  it('turns a thrown error into an internal envelope, never a rejection', async () => {
    const reply = await dispatcher.dispatch('job:get', { id: 'x' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('contract client', () => {
  function transportFor(reply: unknown, pushed: unknown[] = []): ContractTransport {
    return {
      invoke: async () => reply,
      subscribe: (_event, listener) => {
        pushed.forEach(listener);
        return () => {};
      },
    };
  }

  it('returns the parsed value', async () => {
    const client = createContractClient(transportFor({ ok: true, value: { updated: 3 } }));
    await expect(client.call('job:retry', { ids: ['a'] })).resolves.toEqual({ updated: 3 });
  });

  it('throws a ContractError carrying the host message', async () => {
    const client = createContractClient(
      transportFor({ ok: false, error: { code: 'not-found', message: 'No job x.' } }),
    );
    await expect(client.call('job:get', { id: 'x' })).rejects.toThrow(
      new ContractError('not-found', 'No job x.', 'job:get'),
    );
  });

  it('rejects a reply that does not match the output schema', async () => {
    const client = createContractClient(transportFor({ ok: true, value: { updated: 'many' } }));
    await expect(client.call('job:retry', { ids: ['a'] })).rejects.toThrow(/does not match the contract/);
  });

  it('drops pushed events that do not match their schema', () => {
    const good = { ids: ['a'], reset: false, counts: emptyCounts(), at: '2024-02-28T10:30:00Z' };
    const seen: unknown[] = [];
    createContractClient(transportFor(null, [{ ids: 'nope' }, good])).on('queue:changed', (p) => seen.push(p));
    expect(seen).toEqual([good]);
    expect(events['queue:changed'].safeParse(good).success).toBe(true);
  });
});
