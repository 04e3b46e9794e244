// The headless host's transport: one POST per call, one EventSource for all pushed events.
// Every failure becomes an error envelope, so the contract client reports it like any host error.
import type { ContractTransport } from '../../../shared/contract-client.js';
import type { ChannelName, EventName } from '../../../shared/contract.js';

export interface HttpTransportOptions {
  /** Prefix for relative URLs; the page is served by the host, so './' by default. */
  base?: string;
  token?: string | null;
  fetch?: typeof fetch;
  createEventSource?: (url: string) => EventSource;
  /**
   * The event stream dropped (false) or came back (true). Events sent while it was down are
   * lost, so on true the app re-reads what it shows.
   */
  onConnectionChange?: (connected: boolean) => void;
}

export interface HttpTransport extends ContractTransport {
  close(): void;
}

function errorEnvelope(code: 'unavailable' | 'internal' | 'bad-input', message: string) {
  return { ok: false, error: { code, message } };
}

export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const base = options.base ?? './';
  const token = options.token ?? null;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const makeSource = options.createEventSource ?? ((url: string) => new EventSource(url));
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const attached = new Set<EventName>();
  let source: EventSource | null = null;

  let down = false;

  function ensureSource(): EventSource {
    if (!source) {
      const query = token ? `?token=${encodeURIComponent(token)}` : '';
      source = makeSource(`${base}api/events${query}`);
      // EventSource reconnects by itself; these only tell the app when to catch up.
      source.addEventListener('error', () => {
        if (down) return;
        down = true;
        options.onConnectionChange?.(false);
      });
      source.addEventListener('open', () => {
        if (!down) return;
        down = false;
        options.onConnectionChange?.(true);
      });
    }
    return source;
  }

  function attach(event: EventName) {
    if (attached.has(event)) return;
    attached.add(event);
    ensureSource().addEventListener(event, (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        return; // Not JSON: dropped; the next event carries full state.
      }
      for (const listener of listeners.get(event) ?? []) listener(payload);
    });
  }

  return {
    async invoke(channel: ChannelName, input: unknown) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      let response: Response;
      try {
        response = await doFetch(`${base}api/call/${channel}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return errorEnvelope(
          'unavailable',
          'Cannot reach the CallRelay host. Check that it is running, then try again.',
        );
      }
      if (response.status === 401 || response.status === 403) {
        return errorEnvelope(
          'unavailable',
          'The host asks for a token. Open the full URL that `callrelay serve` printed (it ends with #token=...).',
        );
      }
      try {
        return await response.json();
      } catch {
        return errorEnvelope('internal', `The host answered ${channel} with HTTP ${response.status} and no JSON.`);
      }
    },
    subscribe(event: EventName, listener: (payload: unknown) => void) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      attach(event);
      return () => {
        set.delete(listener);
      };
    },
    close() {
      source?.close();
      source = null;
      attached.clear();
    },
  };
}
