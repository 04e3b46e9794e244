// What every destination module receives from the composition root.
import type { Dispatcher } from 'undici';
import type { DestinationConfig } from '../../../shared/config.js';
import type { NetworkRoute } from '../http/network.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

export interface DestinationDeps {
  logger: Logger;
  clock: Clock;
  /** Tests and benches route HTTP through their own undici dispatcher; the global one otherwise. */
  dispatcher?: Dispatcher;
  /** The destination's proxy decisions and trusted roots (the composition root builds it). */
  route?: NetworkRoute;
}

export type ConfigOf<K extends DestinationConfig['kind']> = Extract<DestinationConfig, { kind: K }>;
