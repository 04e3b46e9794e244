// The sandbox's own list of emulated platforms, keyed by the kinds of shared/destinations/kinds.ts
// (a kind without an emulation does not compile). The emulations are written from the seed
// documents apart from the core's clients, which never import them.
import { destinationKinds, type DestinationKind } from '../../../shared/model.js';
import { addCallsPlatform } from './add-calls/add-calls-api.js';
import { agentCallsPlatform } from './agent-calls/agent-calls-api.js';
import { callabPlatform } from './callab/callab-api.js';
import { comswisePlatform } from './comswise/comswise-api.js';
import { cxPlatform } from './cx/cx-api.js';
import type { SandboxPlatform } from './sandbox-platform.js';
import { tusPlatform } from './tus/tus-endpoint.js';

const platformsByKind = {
  comswise: comswisePlatform,
  'add-calls': addCallsPlatform,
  callab: callabPlatform,
  'agent-calls': agentCallsPlatform,
  cx: cxPlatform,
  tus: tusPlatform,
} satisfies { [K in DestinationKind]: SandboxPlatform<K> };
type Platforms = typeof platformsByKind;

/** Every built-in platform, in the order of destinationKinds. */
export const sandboxPlatforms: readonly SandboxPlatform[] = destinationKinds.map((kind) => platformsByKind[kind]);

/** Credentials the sandbox accepts, by kind; destinationConfigs() fills them in. */
export const sandboxCredentials = Object.fromEntries(sandboxPlatforms.map((p) => [p.kind, p.credentials])) as {
  [K in DestinationKind]: Platforms[K]['credentials'];
};

type IdsOf<P> = P extends { ids: infer I } ? I : object;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** Platform ids the sandbox knows, used as destination defaults. */
export const sandboxIds = Object.assign({}, ...sandboxPlatforms.map((p) => p.ids ?? {})) as Intersection<
  { [K in DestinationKind]: IdsOf<Platforms[K]> }[DestinationKind]
>;
