// One factory for every kind: the composition root and the handlers build destinations here from
// a config whose secrets are already resolved to plain values.
import type { DestinationConfig } from '../../../shared/config.js';
import { createAddCallsDestination } from './add-calls.js';
import { createAgentCallsDestination } from './agent-calls.js';
import { createCallabDestination } from './callab.js';
import { createComswiseDestination } from './comswise.js';
import { createCxDestination } from './cx.js';
import type { Destination } from './destination.js';
import type { DestinationDeps } from './destination-deps.js';
import { createTusDestination } from './tus.js';

export type { DestinationDeps } from './destination-deps.js';

export function createDestination(config: DestinationConfig, deps: DestinationDeps): Destination {
  switch (config.kind) {
    case 'comswise':
      return createComswiseDestination(config, deps);
    case 'add-calls':
      return createAddCallsDestination(config, deps);
    case 'callab':
      return createCallabDestination(config, deps);
    case 'agent-calls':
      return createAgentCallsDestination(config, deps);
    case 'cx':
      return createCxDestination(config, deps);
    case 'tus':
      return createTusDestination(config, deps);
  }
}
