// The renderer's only way to talk to a host. A transport moves envelopes (IPC or HTTP); this
// client checks channel names, and parses every reply and event with the contract's schemas.
import {
  channels,
  Envelope,
  type ErrorCode,
  events,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type EventName,
  type EventPayload,
} from './contract.js';

export interface ContractTransport {
  invoke(channel: ChannelName, input: unknown): Promise<unknown>;
  /** Returns a function that stops the subscription. */
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly channel: string,
    /** The refused fields, when the host named them (`folders.2.path`). */
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

export interface ContractClient {
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createContractClient(transport: ContractTransport): ContractClient {
  return {
    async call(channel, input) {
      const raw = await transport.invoke(channel, input);
      const envelope = Envelope.safeParse(raw);
      if (!envelope.success) {
        throw new ContractError('internal', `The host sent a malformed reply to ${channel}.`, channel);
      }
      if (!envelope.data.ok) {
        const { code, message, issues } = envelope.data.error;
        throw new ContractError(code, message, channel, issues);
      }
      const parsed = channels[channel].output.safeParse(envelope.data.value);
      if (!parsed.success) {
        throw new ContractError(
          'internal',
          `The host's reply to ${channel} does not match the contract: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
          channel,
        );
      }
      return parsed.data as never;
    },
    on(event, listener) {
      return transport.subscribe(event, (payload) => {
        const parsed = events[event].safeParse(payload);
        // An event that does not match the contract is dropped: the next one carries full state.
        if (parsed.success) listener(parsed.data as never);
      });
    },
  };
}
