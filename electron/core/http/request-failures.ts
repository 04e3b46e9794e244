// What went wrong with a request and how far it got. Every way a request can fail becomes the
// delivery error the engine acts on, and each remembers whether the request could have reached
// the server: what exactly-once recovery needs to know ("was the create call possibly
// received?"), and only the transport can tell.
import { DeliveryError, PermanentError, TransientError } from '../delivery-errors.js';
import { describeUrl } from './http-answer.js';
import type { HttpRequest } from './http-client.js';
import type { NetworkRoute } from './network.js';
import {
  certificateProblem,
  CONNECT_CODES,
  describeCertificateProblem,
  describeProxyProblem,
  NetworkPathError,
  proxyProblem,
} from './network-errors.js';
import type { ProxyDecision } from './proxy-decision.js';
import { inspectCertificate } from './tls-probe.js';

/**
 * Where a failed request got to. `not-sent`: the server cannot have acted on it (connection
 * refused, or the body failed before its last byte was handed to the socket). `answered`: the
 * server replied with an error status. `unknown`: the whole request may have gone out and no
 * answer came back. Kernel socket buffers hold a few MB, so a cut near the end of a body reads as
 * `unknown`: the error is on the safe side, never the other way.
 */
export type RequestOutcome = 'not-sent' | 'answered' | 'unknown';

const outcomes = new WeakMap<object, RequestOutcome>();

/** How far a request that threw got; `unknown` for errors this layer did not raise. */
export function requestOutcome(error: unknown): RequestOutcome {
  return (typeof error === 'object' && error !== null && outcomes.get(error)) || 'unknown';
}

/** The HTTP status behind an error raised for a non-2xx answer, or null. */
export function errorStatus(error: unknown): number | null {
  return (typeof error === 'object' && error !== null && statuses.get(error)) || null;
}
const statuses = new WeakMap<object, number>();

/** Marks an error raised for a non-2xx answer: the server answered, with this status. */
export function markAnswered(error: object, status: number): void {
  outcomes.set(error, 'answered');
  statuses.set(error, status);
}

export function classify(error: unknown, req: HttpRequest, bodyDone: boolean): Error {
  const where = `${req.method} ${describeUrl(req.url)}`;
  if (req.signal?.aborted) {
    const reason: unknown = req.signal.reason;
    return reason instanceof Error ? reason : new DeliveryError(`${where} was cancelled`, { cause: error });
  }
  // A stalled or failed source stream (openBody) already carries the right error.
  if (error instanceof DeliveryError) {
    outcomes.set(error, 'not-sent');
    return error;
  }
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  let result: TransientError;
  if (code && CONNECT_CODES.has(code)) {
    result = new TransientError(`${where}: cannot reach the server (${code}). Check the address and the network.`, {
      unreachable: true,
      cause: error,
    });
    outcomes.set(result, 'not-sent');
    return result;
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    result = new TransientError(`${where}: the server did not answer in time`, { cause: error });
  } else if (code === 'UND_ERR_BODY_TIMEOUT') {
    result = new TransientError(`${where}: the server stopped sending its answer`, { cause: error });
  } else {
    // A reset after connecting is not "unreachable": the server was there a moment ago.
    result = new TransientError(`${where}: connection failed (${code ?? detail})`, { cause: error });
  }
  outcomes.set(result, bodyDone ? 'unknown' : 'not-sent');
  return result;
}

/**
 * The way to the server failed before any request went out: a certificate we do not trust, a
 * proxy that is down or wants credentials. Said as what it is, with the fix, not "unreachable".
 */
export async function explainNetwork(
  error: unknown,
  req: HttpRequest,
  decision: ProxyDecision | null,
  route: NetworkRoute | undefined,
): Promise<NetworkPathError | null> {
  if (req.signal?.aborted || error instanceof DeliveryError) return null;
  const url = new URL(req.url);
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  let message: string | null = null;
  const proxy = proxyProblem(decision, code, detail);
  const tlsProblem = certificateProblem(code);
  if (proxy) {
    message = describeProxyProblem(decision!, url.host, proxy);
  } else if (tlsProblem) {
    const inspection =
      route && url.protocol === 'https:' && tlsProblem !== 'handshake'
        ? await inspectCertificate(url, {
            proxy: decision?.kind === 'proxy' ? decision.proxy : null,
            proxyAuthorization: decision?.credentials
              ? `Basic ${Buffer.from(`${decision.credentials.username}:${decision.credentials.password}`).toString('base64')}`
              : undefined,
            ca: safeTrust(route),
          })
        : null;
    message = describeCertificateProblem(url.host, tlsProblem, code!, inspection);
  }
  if (!message) return null;
  const result = new NetworkPathError(message, { cause: error });
  outcomes.set(result, 'not-sent');
  return result;
}

export function routeError(error: unknown, req: HttpRequest): Error {
  const result = new NetworkPathError(
    `${req.method} ${describeUrl(req.url)}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
  outcomes.set(result, 'not-sent');
  return result;
}

/** The body's own source failed (the file, not the network): say so, not "connection failed". */
export function unreadableBody(failure: Error, req: HttpRequest): Error {
  const code = errorCode(failure);
  const error =
    code === 'ENOENT'
      ? new PermanentError(`The recording file is gone (${failure.message}); it cannot be sent.`, { cause: failure })
      : new TransientError(
          `Could not read the recording while sending it to ${describeUrl(req.url)}: ${failure.message}`,
          {
            cause: failure,
          },
        );
  outcomes.set(error, 'not-sent');
  return error;
}

function safeTrust(route: NetworkRoute): string[] | undefined {
  try {
    return route.trust().ca;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    const next = (current as { cause?: unknown }).cause;
    if (next === undefined) return typeof code === 'string' ? code : null;
    current = next;
  }
  return null;
}
