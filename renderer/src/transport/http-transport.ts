// The headless host's transport: one POST per call (JSON, with the bearer token), one EventSource
// for all pushed events. EventSource cannot send headers, and a token in its URL would land in
// logs, so the page first trades the token for the host's HttpOnly session cookie, which the
// stream then carries. Every failure becomes an error envelope, so the contract client reports
// it like any host error.
import type { ContractTransport } from '../../../shared/contract-client.js';
import type { ChannelName, EventName } from '../../../shared/contract.js';

export interface HttpTransportOptions {
  /** Prefix for relative URLs; the page is served by the host, so './' by default. */
  base?: string;
  /** The token, or a function that reads the current one (a new sign-in link may replace it). */
  token?: string | null | (() => string | null);
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
  const tokenOption = options.token ?? null;
  const currentToken = typeof tokenOption === 'function' ? tokenOption : () => tokenOption;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const makeSource = options.createEventSource ?? ((url: string) => new EventSource(url));
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const attached = new Set<EventName>();
  let source: EventSource | null = null;
  let opening: Promise<void> | null = null;
  let closed = false;
  let reopenTimer: ReturnType<typeof setTimeout> | null = null;

  let down = false;

  /** Trades the bearer token for the session cookie; the host answers 204 with Set-Cookie. */
  async function signIn(): Promise<void> {
    const token = currentToken();
    if (!token) return;
    try {
      await doFetch(`${base}api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{}',
        credentials: 'same-origin',
      });
    } catch {
      // The stream's own error handling reports an unreachable host.
    }
  }

  function dispatchMessage(event: EventName, message: Event) {
    let payload: unknown;
    try {
      payload = JSON.parse((message as MessageEvent<string>).data);
    } catch {
      return; // Not JSON: dropped; the next event carries full state.
    }
    for (const listener of listeners.get(event) ?? []) listener(payload);
  }

  function open(): void {
    const next = makeSource(`${base}api/events`);
    source = next;
    // EventSource reconnects by itself after a network error; these tell the app when to catch up.
    next.addEventListener('error', () => {
      if (!down) {
        down = true;
        options.onConnectionChange?.(false);
      }
      // Refused (401 after the host's token changed, 403): EventSource gives up; sign in again.
      if (next.readyState === 2 && !closed && !reopenTimer) {
        reopenTimer = setTimeout(() => {
          reopenTimer = null;
          if (closed || source !== next) return;
          next.close();
          source = null;
          opening = null;
          void ensureSource();
        }, 3000);
      }
    });
    next.addEventListener('open', () => {
      if (!down) return;
      down = false;
      options.onConnectionChange?.(true);
    });
    for (const event of attached) next.addEventListener(event, (message) => dispatchMessage(event, message));
  }

  function ensureSource(): Promise<void> {
    opening ??= signIn().then(() => {
      if (!closed) open();
    });
    return opening;
  }

  function attach(event: EventName) {
    if (attached.has(event)) return;
    attached.add(event);
    if (source) source.addEventListener(event, (message) => dispatchMessage(event, message));
    else void ensureSource();
  }

  return {
    async invoke(channel: ChannelName, input: unknown) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const token = currentToken();
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
      if (response.status === 401) {
        return errorEnvelope(
          'unavailable',
          'The host asks for a token. Open the full URL that `callrelay serve` printed (it ends with #token=...), ' +
            'or ask its owner to run `callrelay token`.',
        );
      }
      if (response.status === 403) {
        const refused = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        return errorEnvelope('unavailable', refused?.error?.message ?? 'The host refused this request.');
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
      closed = true;
      if (reopenTimer) clearTimeout(reopenTimer);
      source?.close();
      source = null;
      attached.clear();
    },
  };
}
