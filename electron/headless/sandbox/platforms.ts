// The sandbox's own list of emulated platforms, keyed by the kinds of shared/destinations/kinds.ts
// (a kind without an emulation does not compile). The emulations are written from the seed
// documents apart from the core's clients, which never import them.
import { destinationKinds, type DestinationKind } from '../../../shared/model.js';
import { addCallsPlatform, addCallsSandbox } from './add-calls/add-calls-api.js';
import { agentCallsPlatform, agentCallsSandbox } from './agent-calls/agent-calls-api.js';
import { callabPlatform, callabSandbox } from './callab/callab-api.js';
import { comswisePlatform, comswiseSandbox } from './comswise/comswise-api.js';
import { cxPlatform, cxSandbox } from './cx/cx-api.js';
import type { SandboxPlatform } from './sandbox-platform.js';
import { tusPlatform, tusSandbox } from './tus/tus-endpoint.js';

const platformsByKind: { [K in DestinationKind]: SandboxPlatform<K> } = {
  comswise: comswisePlatform,
  'add-calls': addCallsPlatform,
  callab: callabPlatform,
  'agent-calls': agentCallsPlatform,
  cx: cxPlatform,
  tus: tusPlatform,
};

/** Every built-in platform, in the order of destinationKinds. */
export const sandboxPlatforms: readonly SandboxPlatform[] = destinationKinds.map((kind) => platformsByKind[kind]);

/** Credentials the sandbox accepts; destinationConfigs() fills them in. */
export const sandboxCredentials = {
  comswise: comswiseSandbox.credentials,
  callab: callabSandbox.credentials,
  'agent-calls': agentCallsSandbox.credentials,
  cx: cxSandbox.credentials,
  'add-calls': addCallsSandbox.credentials,
  tus: tusSandbox.credentials,
} as const;

/** Platform ids the sandbox knows, used as destination defaults. */
export const sandboxIds = { ...callabSandbox.ids, ...agentCallsSandbox.ids, ...cxSandbox.ids } as const;
