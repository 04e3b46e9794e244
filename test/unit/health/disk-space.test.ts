import { describe, expect, it } from 'vitest';
import { createDiskSpace, isDiskFull } from '../../../electron/core/health/disk-space.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { makeTempDir } from '../../fixtures/engine/recordings.js';

describe('disk space', () => {
  it('knows "no space" from SQLite and the file system, also as a cause', () => {
    expect(isDiskFull(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('write'), { code: 'ENOSPC' }))).toBe(true);
    expect(isDiskFull(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ENOSPC' }) }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(false);
  });

  it('is a state: shown while full, cleared by a write, waiters woken', async () => {
    const tmp = makeTempDir();
    const disk = createDiskSpace({ dir: tmp.dir, clock: systemClock, logger: createSilentLogger(), checkMs: 60_000 });
    expect(disk.status().full).toBe(false);
    disk.reportFull('intake', new Error('ENOSPC'));
    expect(disk.status().message).toMatch(/^the data folder's disk is full \(\d+ MB free\)/);
    let woken = false;
    const waiting = disk.whenSpace().then(() => (woken = true));
    expect(woken).toBe(false);
    disk.reportWritten();
    await waiting;
    expect(woken).toBe(true);
    expect(disk.status().full).toBe(false);
    disk.close();
    tmp.remove();
  });
});
