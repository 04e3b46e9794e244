// Host side of the contract: one dispatcher shared by the Electron IPC binding and the headless
// HTTP server. It parses the channel name and the input, runs the handler, and always answers
// with an envelope, so no host ever forwards a raw exception or an unparsed value. It is also the
// one place that scrubs known secrets from replies and pushed events, so IPC and HTTP cannot differ.
import {
  channels,
  isChannelName,
  type ChannelArgs,
  type ChannelName,
  type ChannelOutput,
  type Envelope,
  type ErrorCode,
} from './contract.js';
import { describeIssues, issueList } from './config.js';

export type ContractHandlers = {
  [C in ChannelName]: (args: ChannelArgs<C>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
};

/** Throw from a handler to answer with a specific code and a message a person can act on. */
export class HandlerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The refused fields by their path in the input, for a form to show by each field. */
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'HandlerError';
  }
}

export interface ContractDispatcher {
  /** Every reply is already scrubbed of known secrets. */
  dispatch(channel: unknown, input: unknown): Promise<Envelope>;
  /** Scrubs an event payload the same way, before a host pushes it to a renderer. */
  scrub<T>(payload: T): T;
}

/** Returns a deep copy with every known secret value replaced; the host supplies it. */
export type SecretScrubber = <T>(value: T) => T;

const noScrub: SecretScrubber = (value) => value;

export function createContractDispatcher(
  handlers: ContractHandlers,
  onInternalError: (channel: string, error: unknown) => void = () => {},
  scrub: SecretScrubber = noScrub,
): ContractDispatcher {
  async function dispatch(channel: unknown, input: unknown): Promise<Envelope> {
    if (!isChannelName(channel)) {
      return { ok: false, error: { code: 'bad-input', message: `Unknown channel ${String(channel).slice(0, 60)}.` } };
    }
    const parsed = channels[channel].input.safeParse(input ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'bad-input',
          message: `Some details are not valid (${channel}):\n${describeIssues(parsed.error)}`,
          issues: issueList(parsed.error),
        },
      };
    }
    try {
      const handler = handlers[channel] as (args: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof HandlerError) {
        const issues = error.issues?.length ? { issues: error.issues } : {};
        return { ok: false, error: { code: error.code, message: error.message, ...issues } };
      }
      onInternalError(channel, error);
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `${channel} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
        },
      };
    }
  }
  return {
    dispatch: async (channel, input) => scrub(await dispatch(channel, input)),
    scrub,
  };
}
