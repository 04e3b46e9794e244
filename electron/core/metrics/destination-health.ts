// The one place that turns the engine's view of a destination into the health state metrics
// report. Today the engine knows online (its probe succeeds) or not; a richer state (degraded:
// reachable but failing) plugs in here and every gauge follows.
import type { DestinationHealth } from '../../../shared/contract.js';

export const healthStates = ['online', 'degraded', 'down'] as const;
export type HealthState = (typeof healthStates)[number];

export function destinationHealthState(health: DestinationHealth): HealthState {
  return health.online ? 'online' : 'down';
}
