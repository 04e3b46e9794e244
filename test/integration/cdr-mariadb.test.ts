// Call details from the PBX's call records, against a real MariaDB started here on loopback with
// FreePBX's asteriskcdrdb.cdr and a SELECT-only user: a recording whose unique id has a record,
// a record the PBX writes 2 s after the file, a database that is down, and a file name crafted
// to inject SQL. Last, the same through a real `callrelay serve` watching a folder, delivering to
// the sandbox.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { createEnrichmentRegistry, type EnrichmentRegistry } from '../../electron/core/metadata/call-enrichment.js';
import { describeRecording } from '../../electron/core/metadata/describe-recording.js';
import { decideState } from '../../electron/core/watch/intake.js';
import type { ChannelOutput } from '../../shared/contract.js';
import type { CdrConfig } from '../../shared/config.js';
import { createFakeDestination } from '../fixtures/destinations/fake-destination.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { mariadbMissing, startMariaDb, type TestMariaDb } from '../fixtures/mariadb.js';
import { startServe, type ServeProcess } from '../fixtures/serve-process.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-cdr-'));
let db: TestMariaDb;
const registries: EnrichmentRegistry[] = [];

if (mariadbMissing) console.warn(`skipping the MariaDB CDR tests: ${mariadbMissing}`);

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function insertCdr(row: Record<string, string | number>): Promise<void> {
  const columns = Object.keys(row);
  await db.admin.query(
    `INSERT INTO asteriskcdrdb.cdr (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    Object.values(row),
  );
}

const folderSettings = { template: 'freepbx', timezone: 'America/New_York', region: 'US' };
const agents = { '101': { agentId: 'agent-asha', name: 'Asha Rao' } };
let tone = 200;

async function describeWithCdr(fileName: string, cdr: CdrConfig) {
  const dir = path.join(tmp, `folder-${tone}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  writeWav(file, { seconds: 0.3, frequency: (tone += 11) });
  const registry = createEnrichmentRegistry({ baseDir: tmp });
  registries.push(registry);
  const enrichment = registry.forFolder({ path: dir, agents, cdr });
  return describeRecording({ path: file, settings: folderSettings, enrichment });
}

const cdrRow = (uniqueid: string, extra: Record<string, string | number> = {}) => ({
  calldate: '2024-02-28 10:30:00',
  clid: '"Ada Lovelace" <2125550199>',
  src: '2125550199',
  dst: '101',
  dcontext: 'from-did-direct',
  channel: 'PJSIP/trunk-00000001',
  dstchannel: 'PJSIP/101-00000002',
  lastapp: 'Dial',
  duration: 65,
  billsec: 60,
  disposition: 'ANSWERED',
  accountcode: 'sales',
  uniqueid,
  linkedid: uniqueid,
  did: '2125550100',
  cnum: '2125550199',
  cnam: 'Ada Lovelace',
  ...extra,
});

beforeAll(async () => {
  if (!mariadbMissing) db = await startMariaDb();
}, 120_000);

afterAll(async () => {
  await Promise.all(registries.map((r) => r.close()));
  await db?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe.skipIf(mariadbMissing !== null)('CDR from a real MariaDB', () => {
  const cdr = (): CdrConfig => ({ mysql: db.readerDsn, table: 'cdr', timeoutMs: 3000, waitMs: 0, pollMs: 250 });

  it('a recording whose unique id has a record gets its numbers, caller name and agent', async () => {
    await insertCdr(cdrRow('1709116200.201'));
    // MixMonitor's default name: nothing but the unique id, so every detail is the CDR's.
    const d = await describeWithCdr('1709116200.201.wav', cdr());
    expect(d.call).toMatchObject({
      callId: '1709116200.201',
      from: '+12125550199',
      extensionId: '101',
      direction: 'inbound',
      customerName: 'Ada Lovelace',
      customerPhone: '+12125550199',
      agentId: 'agent-asha',
      startTime: '2024-02-28T15:30:00Z',
      extra: { disposition: 'ANSWERED', billsec: '60', accountcode: 'sales', agentName: 'Asha Rao' },
    });
    expect(d.sources).toMatchObject({
      callId: 'filename',
      from: 'cdr',
      customerName: 'cdr',
      startTime: 'cdr',
      agentId: 'directory',
    });
    expect(d.issues.filter((i) => i.field === 'cdr')).toEqual([]);
  });

  it('the file name still gives what the CDR does not; the CDR wins where both speak', async () => {
    // A record with no answering extension (dst "s", as for a call that ended in the IVR).
    await insertCdr(cdrRow('1709116200.202', { src: '2125550111', cnam: 'Grace Hopper', dst: 's', dstchannel: '' }));
    const d = await describeWithCdr('exten-101-2125550199-20240228-103000-1709116200.202.wav', cdr());
    expect(d.call).toMatchObject({ from: '+12125550111', customerName: 'Grace Hopper', extensionId: '101' });
    expect(d.sources).toMatchObject({ from: 'cdr', extensionId: 'filename' });
  });

  it('a record the PBX writes 2 s after the file is waited for', { timeout: 30_000 }, async () => {
    const late = setTimeout(() => void insertCdr(cdrRow('1709116200.203', { cnam: 'Late Writer' })), 2000);
    try {
      const d = await describeWithCdr('1709116200.203.wav', { ...cdr(), waitMs: 15_000 });
      expect(d.call).toMatchObject({ customerName: 'Late Writer', agentId: 'agent-asha' });
      expect(d.sources.customerName).toBe('cdr');
    } finally {
      clearTimeout(late);
    }
  });

  it('a record that never comes: the call goes on without it after the bound, and says so', async () => {
    const d = await describeWithCdr('1709116200.204.wav', { ...cdr(), waitMs: 600 });
    expect(d.call.callId).toBe('1709116200.204');
    expect(d.call.from).toBeUndefined();
    expect(d.issues).toContainEqual({
      field: 'cdr',
      message: expect.stringMatching(/no call record for 1709116200\.204 in the CDR database .* after waiting/),
    });
  });

  it('the database down: described without enrichment, with the reason on the job', { timeout: 30_000 }, async () => {
    const dsn = `mysql://callrelay:x@127.0.0.1:${await closedPort()}/asteriskcdrdb`;
    const d = await describeWithCdr('exten-101-2125550199-20240228-103000-1709116200.205.wav', {
      ...cdr(),
      mysql: dsn,
      waitMs: 10_000,
    });
    expect(d.problem).toBeNull();
    expect(d.call).toMatchObject({ from: '+12125550199', extensionId: '101', agentId: 'agent-asha' });
    expect(d.call.customerName).toBeUndefined();
    const note = d.issues.find((i) => i.field === 'cdr');
    expect(note?.message).toMatch(
      /the CDR database 127\.0\.0\.1:\d+\/asteriskcdrdb could not be read \(.*ECONNREFUSED/,
    );
    expect(note?.message).not.toContain('callrelay:x');
    const decision = decideState(d, 'archive', createFakeDestination('archive'), false);
    expect(decision.state).toBe('queued');
    expect(decision.reason).toMatch(/queued with notes: .*could not be read/);
  });

  it('SQL in a crafted file name is only ever a value: no record, no change', async () => {
    const before = (await db.admin.query('SELECT COUNT(*) AS n FROM asteriskcdrdb.cdr'))[0] as { n: number }[];
    for (const name of ["rec-1' OR '1'='1.wav", "rec-1'; DELETE FROM cdr; --.wav", 'rec-1" OR ""=".wav']) {
      const dir = path.join(tmp, `inject-${(tone += 1)}`);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, name);
      writeWav(file, { seconds: 0.2, frequency: tone });
      const registry = createEnrichmentRegistry({ baseDir: tmp });
      registries.push(registry);
      const d = await describeRecording({
        path: file,
        settings: { template: 'rec-{callId}', region: 'US' },
        enrichment: registry.forFolder({ path: dir, cdr: cdr() }),
      });
      expect(d.call.callId).toBe(name.slice(4, -4));
      expect(d.call.from).toBeUndefined();
      expect(d.issues).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/no call record/) }));
    }
    const after = (await db.admin.query('SELECT COUNT(*) AS n FROM asteriskcdrdb.cdr'))[0] as { n: number }[];
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe.skipIf(mariadbMissing !== null)('CDR through callrelay serve', () => {
  let sandbox: Sandbox;
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv = {};
  const configFile = path.join(tmp, 'serve', 'config.json');
  const up = path.join(tmp, 'serve', 'pbx');
  const down = path.join(tmp, 'serve', 'pbx-db-down');

  beforeAll(async () => {
    sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), resultDelayMs: 100 });
    fs.mkdirSync(up, { recursive: true });
    fs.mkdirSync(down, { recursive: true });
    const folder = { destination: 'agent-calls', quietPeriodMs: 300, ...folderSettings, agents };
    const config = {
      destinations: sandbox.destinationConfigs().filter((d) => d.kind === 'agent-calls'),
      folders: [
        { ...folder, path: up, cdr: { mysql: 'env:CDR_DSN', waitMs: 20_000, pollMs: 250 } },
        { ...folder, path: down, cdr: { mysql: 'env:CDR_DOWN_DSN', waitMs: 20_000, timeoutMs: 1000 } },
      ],
    };
    fs.writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
    env = {
      ...process.env,
      LOG_LEVEL: 'warn',
      CDR_DSN: db.readerDsn,
      CDR_DOWN_DSN: `mysql://callrelay:x@127.0.0.1:${await closedPort()}/asteriskcdrdb`,
    };
    serve = await startServe({ configFile, dataDir: path.join(tmp, 'serve', 'data'), env });
  }, 90_000);

  afterAll(async () => {
    await serve?.stop();
    await sandbox?.close();
  }, 30_000);

  it(
    'a watched recording waits for its late CDR record; with the database down it is delivered and says why',
    { timeout: 90_000 },
    async () => {
      writeWav(path.join(up, '1709116200.301.wav'), { seconds: 1, frequency: 640 });
      writeWav(path.join(down, 'exten-101-2125550199-20240228-103000-1709116200.302.wav'), {
        seconds: 1,
        frequency: 660,
      });
      // The PBX writes the record at hang-up, here 2 s after the recording was finished.
      await new Promise((r) => setTimeout(r, 2000));
      await insertCdr(cdrRow('1709116200.301', { cnam: 'Ada Lovelace' }));

      const deadline = Date.now() + 60_000;
      let page: ChannelOutput<'queue:list'> = { items: [], nextCursor: null, total: 0 };
      while (Date.now() < deadline) {
        page = await serve.call<ChannelOutput<'queue:list'>>('queue:list', {});
        if (page.items.length === 2 && page.items.every((j) => j.state === 'done')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(page.items.map((j) => `${j.fileName} ${j.state} ${j.lastError ?? ''}`.trim()).sort()).toEqual([
        '1709116200.301.wav done',
        'exten-101-2125550199-20240228-103000-1709116200.302.wav done',
      ]);

      const sent = sandbox.calls()['agent-calls'];
      const enriched = sent.find((c) => c.call_id === '1709116200.301')!;
      expect(enriched).toMatchObject({
        agent_id: 'agent-asha',
        direction: expect.stringMatching(/^inbound$/i),
        metadata: { from: '+12125550199', extension_id: '101', disposition: 'ANSWERED', agentName: 'Asha Rao' },
      });
      const plain = sent.find((c) => c.call_id === '1709116200.302')!;
      expect(plain).toMatchObject({ agent_id: 'agent-asha', metadata: { from: '+12125550199' } });
      expect(plain.metadata).not.toHaveProperty('disposition');

      const detail = await serve.call<ChannelOutput<'job:get'>>('job:get', {
        id: page.items.find((j) => j.fileName.startsWith('exten-'))!.id,
      });
      const created = detail.events.find((e) => e.type === 'created')!;
      expect(created.message).toMatch(/the CDR database 127\.0\.0\.1:\d+\/asteriskcdrdb could not be read/);
      const withCdr = await serve.call<ChannelOutput<'job:get'>>('job:get', {
        id: page.items.find((j) => j.fileName === '1709116200.301.wav')!.id,
      });
      expect(withCdr.call).toMatchObject({ customerName: 'Ada Lovelace', agentId: 'agent-asha' });
    },
  );

  it('doctor says whether each folder’s call records can be read', { timeout: 60_000 }, () => {
    const result = spawnSync(
      process.execPath,
      ['bin/callrelay.js', 'doctor', '--config', configFile, '--data', path.join(tmp, 'doctor-data')],
      { cwd: root, encoding: 'utf8', timeout: 50_000, env },
    );
    const lines = result.stdout.split('\n');
    expect(lines).toContain(
      `ok   CDR of folder ${up}: the CDR database 127.0.0.1:${db.port}/asteriskcdrdb can be read`,
    );
    expect(lines.find((l) => l.includes(`CDR of folder ${down}`))).toMatch(
      /^FAIL CDR of folder .*: the CDR database .* cannot be read \(.*ECONNREFUSED/,
    );
    expect(result.stdout).not.toContain('cr-reader-pw');
    expect(result.status).toBe(1);
  });
});
