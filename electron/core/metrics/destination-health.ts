// The one place that turns the engine's view of a destination into the health state metrics
// report: the engine's health from what its requests actually do (engine/destination-health.ts:
// online, degraded while recent attempts fail, down), with online/offline as the fallback.
import type { DestinationHealth } from '../../../shared/contract.js';

export const healthStates = ['online', 'degraded', 'down'] as const;
export type HealthState = (typeof healthStates)[number];

export function destinationHealthState(health: DestinationHealth): HealthState {
  return health.health ?? (health.online ? 'online' : 'down');
}
