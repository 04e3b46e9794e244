// A CSV CDR export, for PBXes whose database is not reachable: FreePBX's CDR report (with a
// header row) and Asterisk's Master.csv (no header), re-read as the PBX appends to it.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnrichmentRegistry, type EnrichmentRegistry } from '../../../electron/core/metadata/call-enrichment.js';
import { createCsvCdrSource, lookupCdr } from '../../../electron/core/metadata/cdr-lookup.js';
import { describeRecording } from '../../../electron/core/metadata/describe-recording.js';
import { makeWav } from '../../fixtures/audio/wav.js';

let dir: string;
let registry: EnrichmentRegistry;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cr-cdr-csv-'));
  registry = createEnrichmentRegistry({ baseDir: dir });
});
afterEach(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

const masterLine = (uniqueid: string, src: string, dst: string, name: string, billsec: number) =>
  `"sales","${src}","${dst}","from-internal","""${name}"" <${src}>","PJSIP/${src}-0000001a","PJSIP/trunk-0000001b","Dial","PJSIP/${dst}@trunk,300,Tt","2024-02-28 10:30:00","2024-02-28 10:30:04","2024-02-28 10:31:04",${billsec + 4},${billsec},"ANSWERED","DOCUMENTATION","${uniqueid}",""\n`;

describe('CDR from a CSV export', () => {
  it('reads Asterisk’s Master.csv (no header), the name from clid', async () => {
    const csv = path.join(dir, 'Master.csv');
    writeFileSync(csv, masterLine('1709116200.11', '101', '2125550199', 'Asha Rao', 60));
    const wav = path.join(dir, '1709116200.11.wav');
    writeFileSync(wav, makeWav({ seconds: 0.2 }));
    const d = await describeRecording({
      path: wav,
      settings: { template: 'asterisk', timezone: 'America/New_York', region: 'US' },
      enrichment: registry.forFolder({ path: dir, cdr: { csv: 'Master.csv', waitMs: 0, pollMs: 100 } }),
    });
    expect(d.call).toMatchObject({
      extensionId: '101',
      to: '+12125550199',
      direction: 'outbound',
      startTime: '2024-02-28T15:30:00Z',
      extra: { agentName: 'Asha Rao', billsec: '60', accountcode: 'sales' },
    });
    expect(d.sources).toMatchObject({ to: 'cdr', extensionId: 'cdr' });
  });

  it('reads a FreePBX CDR report export with a header, keyed by linkedid too, the answered leg first', async () => {
    const csv = path.join(dir, 'cdr-report.csv');
    writeFileSync(
      csv,
      [
        'calldate,clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,duration,billsec,disposition,amaflags,accountcode,uniqueid,userfield,did,recordingfile,cnum,cnam,outbound_cnum,outbound_cnam,dst_cnam,linkedid,peeraccount,sequence',
        '2024-02-28 10:30:00,"""Ada"" <2125550199>",2125550199,600,ext-queues,PJSIP/trunk-1,,Queue,600,30,0,NO ANSWER,3,,1709116200.20,,2125550100,,2125550199,Ada,,,,1709116200.20,,1',
        '2024-02-28 10:30:05,"""Ada"" <2125550199>",2125550199,102,from-queue,PJSIP/trunk-1,PJSIP/102-2,Dial,PJSIP/102,90,85,ANSWERED,3,,1709116200.21,,2125550100,,2125550199,Ada,,,,1709116200.20,,2',
      ].join('\n'),
    );
    const source = createCsvCdrSource(csv);
    const byLinked = await lookupCdr(source, '1709116200.20', { waitMs: 0, pollMs: 100 });
    expect(byLinked).toMatchObject({ found: true, record: { uniqueid: '1709116200.20', disposition: 'NO ANSWER' } });
    const answered = await lookupCdr(source, '1709116200.21', { waitMs: 0, pollMs: 100 });
    expect(answered).toMatchObject({ found: true, record: { dst: '102', billsec: '85', cnam: 'Ada' } });
  });

  it('a queue call: the agent is the one whose channel answered, not the queue number in dst', async () => {
    const csv = path.join(dir, 'cdr.csv');
    writeFileSync(
      csv,
      'calldate,src,dst,cnam,channel,dstchannel,disposition,billsec,uniqueid,linkedid\n' +
        '2024-02-28 10:30:00,2125550199,600,Ada,PJSIP/trunk-00000001,Local/102@from-queue-00000003;1,ANSWERED,85,1709116200.50,1709116200.50\n',
    );
    const wav = path.join(dir, 'q-600-2125550199-20240228-103000-1709116200.50.wav');
    writeFileSync(wav, makeWav({ seconds: 0.2 }));
    const d = await describeRecording({
      path: wav,
      settings: { template: 'freepbx', timezone: 'America/New_York', region: 'US' },
      enrichment: createEnrichmentRegistry({ baseDir: dir }).forFolder({
        path: dir,
        agents: { '102': { agentId: 'agent-ben' } },
        cdr: { csv: 'cdr.csv', waitMs: 0, pollMs: 100 },
      }),
    });
    expect(d.call).toMatchObject({
      extensionId: '102',
      agentId: 'agent-ben',
      direction: 'inbound',
      extra: { queue: '600' },
    });
    expect(d.sources).toMatchObject({ extensionId: 'cdr', agentId: 'directory' });
  });

  it('waits for the line the PBX appends at hang-up', async () => {
    const csv = path.join(dir, 'Master.csv');
    writeFileSync(csv, masterLine('1709116200.30', '101', '2125550199', 'Asha Rao', 10));
    const source = createCsvCdrSource(csv);
    const later = setTimeout(
      () => appendFileSync(csv, masterLine('1709116200.31', '102', '2125550188', 'Ben', 20)),
      300,
    );
    const result = await lookupCdr(source, '1709116200.31', { waitMs: 10_000, pollMs: 100 });
    clearTimeout(later);
    expect(result).toMatchObject({ found: true, record: { src: '102', cnam: 'Ben' } });
  });

  it('a CSV that is not there is a reason, not a crash', async () => {
    const source = createCsvCdrSource(path.join(dir, 'nope.csv'));
    const result = await lookupCdr(source, '1709116200.40', { waitMs: 0, pollMs: 100 });
    expect(result).toMatchObject({ found: false, unavailable: true, reason: expect.stringMatching(/ENOENT/) });
  });

  it('a source found down is tried once by the next lookups, three times again once it is back', async () => {
    let calls = 0;
    let up = false;
    const source = {
      label: 'the CDR database test',
      find: async (id: string) => {
        calls += 1;
        if (!up) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
        return { uniqueid: id };
      },
      check: async () => undefined,
      close: async () => undefined,
    };
    const first = await lookupCdr(source, '1.1', { waitMs: 0, pollMs: 100 });
    expect(first).toMatchObject({ found: false, unavailable: true, reason: expect.stringContaining('ECONNREFUSED') });
    expect(calls).toBe(3);
    await lookupCdr(source, '1.2', { waitMs: 0, pollMs: 100 });
    expect(calls).toBe(4);
    up = true;
    expect(await lookupCdr(source, '1.3', { waitMs: 0, pollMs: 100 })).toMatchObject({ found: true });
    up = false;
    calls = 0;
    await lookupCdr(source, '1.4', { waitMs: 0, pollMs: 100 });
    expect(calls).toBe(3);
  });

  it('stopping ends a wait: the recording is not described without its record, but left for the next start', async () => {
    const csv = path.join(dir, 'Master.csv');
    writeFileSync(csv, masterLine('1709116200.60', '101', '2125550199', 'Asha Rao', 10));
    const wav = path.join(dir, '1709116200.61.wav');
    writeFileSync(wav, makeWav({ seconds: 0.2 }));
    const describing = describeRecording({
      path: wav,
      settings: { template: 'asterisk' },
      enrichment: registry.forFolder({ path: dir, cdr: { csv: 'Master.csv', waitMs: 60_000, pollMs: 100 } }),
    });
    setTimeout(() => registry.stopWaits(), 300);
    await expect(describing).rejects.toMatchObject({ code: 'CDR_WAIT_STOPPED' });
  });
});
