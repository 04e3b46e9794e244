// Transfer progress per running job: bytes, a speed over the last few seconds, and an ETA.
import type { Progress } from '../../../shared/model.js';
import type { Clock } from '../clock.js';

export interface ProgressTracker {
  begin(id: string, startByte: number, totalBytes: number): void;
  add(id: string, bytes: number): void;
  get(id: string): Progress | null;
  end(id: string): void;
}

const WINDOW_MS = 5000;

export function createProgressTracker(clock: Clock): ProgressTracker {
  const jobs = new Map<string, { sent: number; total: number; samples: { at: number; bytes: number }[] }>();
  return {
    begin(id, startByte, totalBytes) {
      jobs.set(id, { sent: startByte, total: totalBytes, samples: [] });
    },
    add(id, bytes) {
      const job = jobs.get(id);
      if (!job) return;
      const now = clock.now();
      job.sent += bytes;
      job.samples.push({ at: now, bytes });
      while (job.samples.length > 0 && job.samples[0]!.at < now - WINDOW_MS) job.samples.shift();
    },
    get(id) {
      const job = jobs.get(id);
      if (!job) return null;
      const now = clock.now();
      const recent = job.samples.filter((s) => s.at >= now - WINDOW_MS);
      const span = recent.length > 0 ? Math.max(1000, now - recent[0]!.at) : WINDOW_MS;
      const bytesPerSec = recent.reduce((sum, s) => sum + s.bytes, 0) / (span / 1000);
      const remaining = Math.max(0, job.total - job.sent);
      return {
        bytesSent: Math.min(job.sent, job.total),
        bytesTotal: job.total,
        bytesPerSec: Math.round(bytesPerSec),
        etaSec: remaining === 0 ? 0 : bytesPerSec > 0 ? Math.ceil(remaining / bytesPerSec) : null,
      };
    },
    end(id) {
      jobs.delete(id);
    },
  };
}
