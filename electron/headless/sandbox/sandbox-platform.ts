// What one emulated platform gives the sandbox: its routes (all under /<kind>), the calls it
// holds, the credentials it accepts and a destination config that works against it. Each
// platform's folder (sandbox/<kind>/) defines one; platforms.ts lists them.
import type { DestinationConfig } from '../../../shared/config.js';
import type { Exchange } from './exchange.js';
import type { FaultDice } from './faults.js';

export interface PlatformContext {
  /** The sandbox's data folder; a platform that stores uploads keeps them in its own subfolder. */
  dataDir: string;
  dice: FaultDice;
  /** How long after a call completes its results appear (platforms that produce results). */
  resultDelayMs: number;
  /** Lifetime of presigned upload URLs (platforms that hand them out). */
  presignTtlMs: number;
}

export interface PlatformRoute {
  /** A path prefix under /<kind>, e.g. /comswise/v1; the handler sees the path below it. */
  prefix: string;
  handle(ex: Exchange): Promise<void>;
}

export interface EmulatedPlatform {
  routes: PlatformRoute[];
  /** Calls created so far (tus: finished uploads). */
  calls(): Record<string, unknown>[];
  /** Headers that carry this platform's secrets, masked in the request log beside the usual ones. */
  secretHeaders?: string[];
  /**
   * The emulation answers on the raw response (a library server writes it), not through
   * `ex.send`: the sandbox then reads status and byte counts from the socket, and drops an answer
   * by cutting the socket after it is written.
   */
  answersOnRawResponse?: boolean;
}

export interface SandboxPlatform<K extends string = string> {
  kind: K;
  /** The credentials it accepts (tests read them as `sandboxCredentials[kind]`). */
  credentials: Record<string, unknown>;
  /** Platform ids it knows, used as destination defaults (merged into `sandboxIds`). */
  ids?: Record<string, string>;
  start(ctx: PlatformContext): EmulatedPlatform;
  /** A destination named after the kind that works against this emulation at `origin`. */
  destinationConfig(origin: string): DestinationConfig;
}

/**
 * A platform served under /<kind> by one handler, whose sandbox destination is named after the
 * kind, with the credentials the platform accepts and the given defaults.
 */
export function singleRoutePlatform<
  const K extends string,
  const C extends Record<string, unknown>,
  const I extends Record<string, string> = Record<never, string>,
>(spec: {
  kind: K;
  credentials: C;
  ids?: I;
  defaults?: Record<string, unknown>;
  create(credentials: C): { handle(ex: Exchange): Promise<void>; calls(): Record<string, unknown>[] };
}): SandboxPlatform<K> & { credentials: C; ids: I } {
  return {
    kind: spec.kind,
    credentials: spec.credentials,
    ids: spec.ids ?? ({} as I),
    start() {
      const api = spec.create(spec.credentials);
      return { routes: [{ prefix: `/${spec.kind}`, handle: api.handle }], calls: api.calls };
    },
    // Checked against DestinationConfig by test/unit/destinations/kind-registry.test.ts.
    destinationConfig: (origin) =>
      ({
        name: spec.kind,
        kind: spec.kind,
        baseUrl: `${origin}/${spec.kind}`,
        auth: { ...spec.credentials },
        defaults: spec.defaults ?? {},
        enabled: true,
      }) as unknown as DestinationConfig,
  };
}
