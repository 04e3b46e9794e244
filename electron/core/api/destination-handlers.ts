// destination:test and destination:schema. A test runs the destination's cheapest authenticated
// request, either for a saved destination or for a draft from the settings form (secrets left
// blank in the draft fall back to the saved ones, so a person can test without retyping keys —
// but only for the same origin: a draft pointing elsewhere never gets the saved keys).
import { DestinationConfig, describeIssues } from '../../../shared/config.js';
import type { ConnectionTest, DestinationInput } from '../../../shared/contract.js';
import { kindSpec } from '../../../shared/destinations/kinds.js';
import { HandlerError, type ContractHandlers } from '../../../shared/contract-host.js';
import { sameOrigin } from '../config/runtime-config.js';
import type { SecretHandling } from '../secrets/secret-handling.js';
import type { Destination } from '../destinations/destination.js';
import { noDestinationNamed } from '../../../shared/no-destination.js';

export interface DestinationHandlerDeps {
  getDestination(name: string): Destination | undefined;
  /** Builds a destination from a config whose secrets are plain values. */
  build(config: DestinationConfig): Destination;
  /** The saved destination of the draft's name (secrets resolved) and how to resolve new secrets. */
  resolveDraft(draft: DestinationInput): {
    stored: DestinationConfig | undefined;
    secrets: Pick<SecretHandling, 'resolve'>;
  };
  timeoutMs?: number;
}

type Auth = Record<string, string | Record<string, string>>;

/** The draft as a full config: blank secrets take the saved value, others are resolved (env:NAME …). */
export function configFromDraft(
  draft: DestinationInput,
  stored: DestinationConfig | undefined,
  secrets: Pick<SecretHandling, 'resolve'>,
): DestinationConfig {
  const same = stored && stored.kind === draft.kind ? stored : undefined;
  const sameAddress = same !== undefined && sameOrigin(same.baseUrl, draft.baseUrl);
  const savedAuth = (sameAddress ? same.auth : {}) as Auth;
  const auth: Auth = {};
  const keys = new Set([...Object.keys(savedAuth), ...Object.keys(draft.auth ?? {})]);
  for (const key of keys) {
    const given = draft.auth?.[key];
    const saved = savedAuth[key];
    if (typeof given === 'string' || given === undefined) {
      if (given) auth[key] = secrets.resolve(given, `auth.${key}`);
      else if (typeof saved === 'string') auth[key] = saved;
    } else {
      const oldHeaders = typeof saved === 'object' ? saved : {};
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(given)) {
        if (value) headers[name] = secrets.resolve(value, `auth.${key}.${name}`);
        else if (oldHeaders[name] !== undefined) headers[name] = oldHeaders[name];
      }
      auth[key] = headers;
    }
  }
  const missing = Object.keys(same?.auth ?? {}).filter((key) => auth[key] === undefined);
  if (same && !sameAddress && missing.length > 0) {
    throw new HandlerError(
      'bad-input',
      `${draft.baseUrl} is another address than the saved one: enter the ${missing.join(' and ')} again for it ` +
        '(saved secrets are only used for the address they were entered for).',
    );
  }
  const parsed = DestinationConfig.safeParse({
    name: draft.name,
    kind: draft.kind,
    baseUrl: draft.baseUrl,
    defaults: draft.defaults ?? same?.defaults ?? {},
    ...(draft.concurrency !== undefined ? { concurrency: draft.concurrency } : {}),
    enabled: draft.enabled ?? true,
    auth,
    ...ownFieldsOf(same),
  });
  if (!parsed.success) throw new HandlerError('bad-input', describeIssues(parsed.error, 'destination'));
  return parsed.data;
}

/** The saved values of the kind's own config fields (tus: chunkSizeBytes), which the form does not edit. */
function ownFieldsOf(saved: DestinationConfig | undefined): Record<string, unknown> {
  if (!saved) return {};
  const fields = Object.keys(kindSpec(saved.kind)?.config ?? {});
  const values = saved as unknown as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => values[f] !== undefined).map((f) => [f, values[f]]));
}

export function createDestinationHandlers(
  deps: DestinationHandlerDeps,
): Pick<ContractHandlers, 'destination:test' | 'destination:schema'> {
  const timeoutMs = deps.timeoutMs ?? 20_000;

  function saved(name: string): Destination {
    const destination = deps.getDestination(name);
    if (!destination) {
      throw new HandlerError(
        'not-found',
        noDestinationNamed(name, '; check the name in Settings.', { enabled: true, sentence: true }),
      );
    }
    return destination;
  }

  return {
    async 'destination:test'({ name, draft }): Promise<ConnectionTest> {
      let destination: Destination;
      if (draft) {
        const { stored, secrets } = deps.resolveDraft(draft);
        let config: DestinationConfig;
        try {
          config = configFromDraft(draft, stored, secrets);
        } catch (error) {
          if (error instanceof HandlerError) throw error;
          throw new HandlerError('bad-input', (error as Error).message);
        }
        destination = deps.build(config);
      } else if (name) {
        destination = saved(name);
      } else {
        throw new HandlerError('bad-input', 'Give the name of a saved destination or a draft to test.');
      }
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        return await destination.testConnection(signal);
      } catch (error) {
        if (signal.aborted) {
          return {
            status: 'unreachable',
            message: `No answer from ${destination.name} within ${Math.round(timeoutMs / 1000)} s; check the base URL and the network.`,
            latencyMs: null,
          };
        }
        return { status: 'error', message: (error as Error).message, latencyMs: null };
      }
    },
    'destination:schema'({ name }) {
      const destination = saved(name);
      return { kind: destination.kind, required: destination.fields.required, optional: destination.fields.optional };
    },
  };
}
