// The core's list of destination clients, keyed by the kinds of shared/destinations/kinds.ts (a
// kind without a client, or a client without a kind, does not compile). The composition root and
// the handlers build destinations here from a config whose secrets are already resolved.
import type { DestinationConfig } from '../../../shared/config.js';
import type { DestinationKind } from '../../../shared/model.js';
import { createAddCallsDestination } from './add-calls/add-calls.js';
import { createAgentCallsDestination } from './agent-calls/agent-calls.js';
import { createCallabDestination } from './callab/callab.js';
import { createComswiseDestination } from './comswise/comswise.js';
import { createCxDestination } from './cx/cx.js';
import type { Destination } from './destination.js';
import type { ConfigOf, DestinationDeps } from './destination-deps.js';
import { createTusDestination } from './tus/tus.js';

export type { DestinationDeps } from './destination-deps.js';

/** Builds a kind's destination from its config. */
export type DestinationClient<C> = (config: C, deps: DestinationDeps) => Destination;

export const destinationClients: { [K in DestinationKind]: DestinationClient<ConfigOf<K>> } = {
  comswise: createComswiseDestination,
  'add-calls': createAddCallsDestination,
  callab: createCallabDestination,
  'agent-calls': createAgentCallsDestination,
  cx: createCxDestination,
  tus: createTusDestination,
};

/**
 * A factory over a set of clients: `createDestination` is it for the built-in ones; a test adds a
 * kind by passing one more.
 */
export function createDestinationFactory<C extends { kind: string }>(clients: {
  [kind: string]: DestinationClient<never> | undefined;
}): (config: C, deps: DestinationDeps) => Destination {
  return (config, deps) => {
    const client = clients[config.kind] as DestinationClient<C> | undefined;
    if (!client) throw new Error(`CallRelay has no destination of kind "${config.kind}"`);
    return client(config, deps);
  };
}

export const createDestination: (config: DestinationConfig, deps: DestinationDeps) => Destination =
  createDestinationFactory<DestinationConfig>(destinationClients);
