// What a destination kind is, apart from how it talks to its platform: the secrets its config
// takes, its own config fields, the platform fields its `defaults` may set, and what it can do.
// Plain zod, no Node: the renderer reads these to build its forms, `shared/config.ts` builds the
// config union from them, and each kind's client (electron/core/destinations/<kind>/) checks its
// requests with the same schemas.
import { z } from 'zod';

/** A secret as written in the config: the value or env:NAME (empty only while awaiting re-entry). */
export const secret = z.string();

export interface DestinationCapabilities {
  /**
   * The platform can hold a call open while its recording is still being written, so a folder's
   * `liveCalls` applies; the kind's client then has `openLiveCall`.
   */
  liveCalls: boolean;
}

export interface DestinationKindSpec<
  K extends string = string,
  A extends z.ZodType = z.ZodType,
  X extends z.ZodRawShape = z.ZodRawShape,
> {
  kind: K;
  /** The config's `auth` object: which secrets the platform takes. */
  auth: A;
  /** Config fields only this kind has (tus: chunkSizeBytes), beside the common ones. */
  config: X;
  /**
   * The platform fields a destination's `defaults` may set, by the platform's own names, each
   * optional. The renderer walks it to show them as form fields; the config keeps `defaults` a
   * free record, because the client checks them together with the call's values before each send
   * and names what is wrong in Review.
   */
  defaults: z.ZodType<Record<string, unknown>>;
  capabilities: DestinationCapabilities;
}

export function defineDestinationKind<
  const K extends string,
  A extends z.ZodType,
  X extends z.ZodRawShape = Record<never, never>,
>(spec: {
  kind: K;
  auth: A;
  config?: X;
  defaults: z.ZodType<Record<string, unknown>>;
  capabilities?: Partial<DestinationCapabilities>;
}): DestinationKindSpec<K, A, X> {
  return {
    kind: spec.kind,
    auth: spec.auth,
    config: spec.config ?? ({} as X),
    defaults: spec.defaults,
    capabilities: { liveCalls: false, ...spec.capabilities },
  };
}
