// One list of kinds (shared/destinations/kinds.ts): the config union, the core's clients, the
// sandbox's platforms and its fault targets name exactly those kinds, and each kind's declared
// capabilities and defaults schema agree with its client and its emulation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationClients, createDestination } from '../../../electron/core/destinations/create-destination.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { SandboxFaults } from '../../../electron/headless/sandbox/faults.js';
import { sandboxPlatforms } from '../../../electron/headless/sandbox/platforms.js';
import { startSandbox, type Sandbox } from '../../../electron/headless/sandbox/sandbox.js';
import { DestinationConfig } from '../../../shared/config.js';
import { destinationKindSpecs, kindSpec } from '../../../shared/destinations/kinds.js';
import { destinationKinds } from '../../../shared/model.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({});
});
afterAll(async () => {
  await sandbox.close();
});

describe('the destination kind registry', () => {
  it('the config union, the clients, the sandbox and the fault targets name the same kinds', () => {
    expect(destinationKinds).toEqual(['comswise', 'add-calls', 'callab', 'agent-calls', 'cx', 'tus']);
    expect(DestinationConfig.options.map((o) => o.shape.kind.value)).toEqual(destinationKinds);
    expect(Object.keys(destinationClients).sort()).toEqual([...destinationKinds].sort());
    expect(sandboxPlatforms.map((p) => p.kind)).toEqual(destinationKinds);
    expect(SandboxFaults.shape.kinds.unwrap().element.options).toEqual(destinationKinds);
    expect(sandbox.destinationConfigs().map((c) => c.kind)).toEqual(destinationKinds);
    expect(Object.keys(sandbox.calls())).toEqual(destinationKinds);
  });

  it("the sandbox's destination configs are valid configs of their kind", () => {
    for (const config of sandbox.destinationConfigs()) {
      expect(DestinationConfig.parse(config), config.kind).toEqual(config);
    }
  });

  it("each kind's liveCalls capability is the client's openLiveCall", () => {
    const deps = { logger: createSilentLogger(), clock: systemClock };
    for (const config of sandbox.destinationConfigs()) {
      const destination = createDestination(config, deps);
      expect(typeof destination.openLiveCall === 'function', config.kind).toBe(
        kindSpec(config.kind)!.capabilities.liveCalls,
      );
    }
  });

  it("each kind's defaults schema takes the sandbox's working defaults and names a platform field it lacks", () => {
    for (const config of sandbox.destinationConfigs()) {
      const spec = kindSpec(config.kind)!;
      expect(spec.defaults.safeParse(config.defaults).success, config.kind).toBe(true);
    }
    for (const spec of destinationKindSpecs.filter((s) => s.kind !== 'tus')) {
      expect(spec.defaults.safeParse({ 'no such field': 1 }).success, spec.kind).toBe(false);
    }
    expect(kindSpec('tus')!.defaults.safeParse({ 'bad key': 'x' }).success).toBe(false);
  });
});
