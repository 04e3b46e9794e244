// The one list of destination kinds. `destinationKinds`, the config union (shared/config.ts), the
// core's clients (electron/core/destinations/create-destination.ts, keyed by these names), the
// sandbox's platforms and its fault targets all derive from it. Adding a platform: its spec file
// here, its folder under electron/core/destinations/, its emulation under
// electron/headless/sandbox/ (see electron/core/destinations/README.md).
import { addCallsKind } from './add-calls.js';
import { agentCallsKind } from './agent-calls.js';
import { callabKind } from './callab.js';
import { comswiseKind } from './comswise.js';
import { cxKind } from './cx.js';
import type { DestinationKindSpec } from './destination-kind.js';
import { tusKind } from './tus.js';

export const destinationKindSpecs = [comswiseKind, addCallsKind, callabKind, agentCallsKind, cxKind, tusKind] as const;

type Specs = typeof destinationKindSpecs;
type KindNames<S extends readonly DestinationKindSpec[]> = { -readonly [I in keyof S]: S[I]['kind'] };

export const destinationKinds = destinationKindSpecs.map((s) => s.kind) as KindNames<Specs>;

/** A kind's spec by name; undefined for a name no kind has. */
export function kindSpec(kind: string): Specs[number] | undefined {
  return destinationKindSpecs.find((s) => s.kind === kind);
}
