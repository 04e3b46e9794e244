// Faults the sandbox injects on platform routes, set per run. Each request rolls once against the
// rates (in this order: 500, 503, 429, reset, drop, stall); presigned PUTs roll separately for
// expiry. A seed makes a run repeatable.
import { z } from 'zod';
import { destinationKinds } from '../../../shared/model.js';

const rate = z.number().min(0).max(1).default(0);

export const SandboxFaults = z
  .object({
    /** Answer 500 before doing anything. */
    error500Rate: rate,
    /** Answer 503 before doing anything. */
    error503Rate: rate,
    /** Answer 429 with Retry-After: retryAfterSec before doing anything. */
    rateLimitRate: rate,
    retryAfterSec: z.number().int().min(0).max(3600).default(1),
    /** Cut the connection halfway through the request body (or before answering a bodiless request). */
    resetRate: rate,
    /** Do the work, then cut the connection instead of answering: the answer is lost. */
    dropResponseRate: rate,
    /** Stop reading and answering for stallMs, then cut the connection. */
    stallRate: rate,
    stallMs: z.number().int().min(0).max(600_000).default(30_000),
    /** Presigned PUTs answered 403 "Request has expired" whatever their age. */
    expireRate: rate,
    /** Limit faults to these platforms (all when omitted). */
    kinds: z.array(z.enum(destinationKinds)).optional(),
    seed: z.number().int().optional(),
  })
  .strict();
export type SandboxFaults = z.infer<typeof SandboxFaults>;
export type SandboxFaultsInput = z.input<typeof SandboxFaults>;

export type FaultName = 'error500' | 'error503' | 'rate-limit' | 'reset' | 'drop-response' | 'stall';

export interface FaultDice {
  settings(): SandboxFaults;
  set(input: SandboxFaultsInput): SandboxFaults;
  roll(kind: string): FaultName | null;
  /** Whether a presigned PUT of this platform is refused as expired. */
  rollExpired(kind: string): boolean;
}

export function createFaultDice(input: SandboxFaultsInput = {}): FaultDice {
  let settings = SandboxFaults.parse(input);
  let random = mulberry32(settings.seed ?? Date.now() ^ (process.pid << 8));
  return {
    settings: () => settings,
    set(next) {
      settings = SandboxFaults.parse(next);
      if (settings.seed !== undefined) random = mulberry32(settings.seed);
      return settings;
    },
    roll(kind) {
      if (settings.kinds && !settings.kinds.includes(kind as never)) return null;
      const table: [FaultName, number][] = [
        ['error500', settings.error500Rate],
        ['error503', settings.error503Rate],
        ['rate-limit', settings.rateLimitRate],
        ['reset', settings.resetRate],
        ['drop-response', settings.dropResponseRate],
        ['stall', settings.stallRate],
      ];
      const total = table.reduce((sum, [, r]) => sum + r, 0);
      if (total === 0) return null;
      let x = random();
      for (const [name, r] of table) {
        if (x < r) return name;
        x -= r;
      }
      return null;
    },
    rollExpired(kind) {
      if (settings.kinds && !settings.kinds.includes(kind as never)) return false;
      return settings.expireRate > 0 && random() < settings.expireRate;
    },
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
