// A platform is one folder: a made-up seventh kind (test/fixtures/destinations/ledger/) registered
// through the functions that build the built-in lists is configured (the config union parses it),
// emulated (a sandbox route) and delivered (the real outbox and engine run a job through it).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDestinationFactory, destinationClients } from '../../electron/core/destinations/create-destination.js';
import { sandboxPlatforms } from '../../electron/headless/sandbox/platforms.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { DestinationConfig, destinationConfigSchema } from '../../shared/config.js';
import { destinationKindSpecs } from '../../shared/destinations/kinds.js';
import { makeRecording, makeTempDir } from '../fixtures/engine/recordings.js';
import { startRun } from '../fixtures/engine/sandbox-run.js';
import { waitFor } from '../fixtures/engine/wait-for.js';
import { createLedgerDestination, type LedgerConfig } from '../fixtures/destinations/ledger/ledger.js';
import { ledgerKind } from '../fixtures/destinations/ledger/ledger-kind.js';
import { ledgerKey, ledgerPlatform } from '../fixtures/destinations/ledger/ledger-sandbox.js';

const tmp = makeTempDir('callrelay-seventh-kind-');
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    dataDir: path.join(tmp.dir, 'sandbox'),
    platforms: [...sandboxPlatforms, ledgerPlatform],
  });
});
afterAll(async () => {
  await sandbox.close();
  tmp.remove();
});

describe('a seventh kind in one folder', () => {
  const withLedger = destinationConfigSchema([...destinationKindSpecs, ledgerKind]);

  it('is configured: the union with its spec parses it, names its secret, and the built-in one does not know it', () => {
    const config = sandbox.destinationConfigs().find((c) => (c.kind as string) === 'ledger')!;
    const parsed = withLedger.parse(config);
    expect(parsed).toMatchObject({ kind: 'ledger', auth: { key: ledgerKey }, defaults: { book: 'calls-2025' } });
    expect(withLedger.safeParse({ ...config, auth: { key: '' } }).error?.issues[0]?.path).toEqual(['auth', 'key']);
    expect(DestinationConfig.safeParse(config).success).toBe(false);
    // The built-in kinds still parse through the larger union.
    for (const builtIn of sandbox.destinationConfigs().filter((c) => (c.kind as string) !== 'ledger')) {
      expect(withLedger.safeParse(builtIn).success, builtIn.kind).toBe(true);
    }
  });

  it('is emulated: its route answers beside the built-in ones, strict about its key', async () => {
    const wrong = await fetch(`${sandbox.url}/ledger/entries`, { headers: { 'x-ledger-key': 'nope' } });
    expect(wrong.status).toBe(401);
    const listed = await fetch(`${sandbox.url}/ledger/entries`, { headers: { 'x-ledger-key': ledgerKey } });
    expect(listed.status).toBe(200);
    expect(sandbox.requests().some((r) => r.kind === 'ledger' && r.status === 401)).toBe(true);
  });

  it(
    'is delivered: the real engine runs a job through its client to the emulation, once',
    { timeout: 30_000 },
    async () => {
      const config = withLedger.parse(
        sandbox.destinationConfigs().find((c) => (c.kind as string) === 'ledger'),
      ) as unknown as LedgerConfig;
      const build = createDestinationFactory<LedgerConfig | DestinationConfig>({
        ...destinationClients,
        ledger: createLedgerDestination,
      });
      const dir = path.join(tmp.dir, 'ledger');
      const recording = makeRecording(dir, 'ledger-0.wav', Buffer.alloc(4096, 7));
      const run = startRun({
        file: path.join(tmp.dir, 'ledger.db'),
        config: config as unknown as DestinationConfig,
        build: build as never,
        inputs: [
          {
            recording,
            call: { callId: 'ledger-call-1', startTime: '2025-01-01T09:00:00Z', from: '+15550100001' },
            destination: 'ledger',
            folder: dir,
            state: 'queued',
            reviewIssues: [],
          },
        ],
      });
      try {
        await waitFor(() => run.outbox.counts().done === 1, 'the ledger job done', 25_000, 50);
        const entries = (sandbox.calls() as Record<string, Record<string, unknown>[]>).ledger!;
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({ ref: 'ledger-call-1', book: 'calls-2025', caller: '+15550100001' });
        const job = run.outbox.getJob(run.outbox.list({ limit: 1 }).rows[0]!.id)!;
        expect(job.remoteId).toBe(entries[0]!.id);
      } finally {
        await run.close();
      }
    },
  );
});
