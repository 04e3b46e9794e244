// What time it is, passed in by the hosts: the core never reads the wall clock itself, so tests
// and benches can run time as they need it.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
