// The configured destinations, built with their network route (proxy, trusted roots), rebuilt
// when the settings change. A destination awaiting secrets for its new address is known (its
// recordings are checked against its fields) but never run, tested or probed: it is not sendable.
import type { Dispatcher } from 'undici';
import type { Config, DestinationConfig } from '../../../shared/config.js';
import { createDestination } from '../destinations/create-destination.js';
import type { Destination } from '../destinations/destination.js';
import { resolvedProxySetting, type createNetwork } from '../http/network.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Settings } from './core-settings.js';

type Network = ReturnType<typeof createNetwork>;
export type Route = ReturnType<Network['forDestination']>;

export interface DestinationSet {
  rebuild(config: Config): void;
  get(name: string): Destination | undefined;
  /** Undefined for a destination awaiting its secrets. */
  getSendable(name: string): Destination | undefined;
  awaitingSecrets(): Set<string>;
  /** The route a destination's requests take (the built one, else one for this config). */
  routeOf(d: DestinationConfig, config: Config): Route;
  /** A route for this config, never the built one. */
  newRoute(d: DestinationConfig, config: Config): Route;
  /** A destination built from a form's draft, with its saved network settings. */
  build(config: DestinationConfig): Destination;
}

export function createDestinationSet(options: {
  settings: Settings;
  network: Network;
  logger: Logger;
  clock: Clock;
  dispatcher?: Dispatcher;
}): DestinationSet {
  const { settings, network, logger, clock } = options;
  const newRoute = (d: DestinationConfig, config: Config) =>
    network.forDestination(
      { name: d.name, proxy: resolvedProxySetting(d.proxy), caFile: d.caFile },
      { proxy: resolvedProxySetting(config.proxy), caFile: config.caFile },
    );
  let destinations = new Map<string, Destination>();
  let routes = new Map<string, Route>();

  function rebuild(config: Config): void {
    routes = new Map(config.destinations.filter((d) => d.enabled).map((d) => [d.name, newRoute(d, config)]));
    destinations = new Map(
      config.destinations
        .filter((d) => d.enabled)
        .map((d) => [
          d.name,
          createDestination(d, {
            logger: logger.child({ destination: d.name }),
            clock,
            dispatcher: options.dispatcher,
            route: routes.get(d.name),
          }),
        ]),
    );
  }
  rebuild(settings.resolved());

  const awaitingSecrets = () =>
    new Set(
      settings
        .resolved()
        .destinations.filter((d) => d.awaitingSecrets)
        .map((d) => d.name),
    );

  return {
    rebuild,
    get: (name) => destinations.get(name),
    getSendable: (name) => (awaitingSecrets().has(name) ? undefined : destinations.get(name)),
    awaitingSecrets,
    routeOf: (d, config) => routes.get(d.name) ?? newRoute(d, config),
    newRoute,
    build(config) {
      // A draft from the form carries no network settings: a saved destination's proxy and
      // caFile still apply, so "Test connection" goes the way its deliveries go.
      const stored = settings.resolved().destinations.find((d) => d.name === config.name);
      const withNetwork = { ...config, proxy: config.proxy ?? stored?.proxy, caFile: config.caFile ?? stored?.caFile };
      return createDestination(config, {
        logger,
        clock,
        dispatcher: options.dispatcher,
        route: newRoute(withNetwork as DestinationConfig, settings.resolved()),
      });
    },
  };
}
