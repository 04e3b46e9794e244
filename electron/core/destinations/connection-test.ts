// "Test connection" and the reachability probe, shared by every kind. Each kind picks its
// cheapest authenticated request; this module reads the answer the same way for all of them.
import type { ConnectionTest } from '../../../shared/contract.js';
import { DeliveryError, TransientError } from '../delivery-errors.js';
import { NetworkPathError } from '../http/network-errors.js';
import {
  describeUrl,
  serverMessage,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from '../http/http-client.js';

export interface ConnectionCheck {
  request: HttpRequest;
  /**
   * Statuses that prove the credentials were accepted besides 2xx (e.g. a 400 for an empty
   * create body: the platform validated the body, so it accepted the key first).
   */
  acceptedStatuses?: number[];
  /** Said when the check passes, e.g. what was and was not verified. */
  okMessage?: string;
}

/**
 * A create request that cannot create anything (its body lacks what the platform requires): the
 * platform checks the credentials before the body, so its 400 or 422 proves them.
 */
export function refusedCreateCheck(request: HttpRequest, okMessage: string): ConnectionCheck {
  return { request, acceptedStatuses: [400, 422], okMessage };
}

/** Lists at most one call: the cheapest authenticated read, for platforms that have a listing. */
export function listOneCheck(listUrl: string, headers: Record<string, string>, signal: AbortSignal): ConnectionCheck {
  const url = new URL(listUrl);
  url.searchParams.set('limit', '1');
  return { request: { method: 'GET', url: url.toString(), headers, signal } };
}

export async function runConnectionTest(
  http: HttpClient,
  check: ConnectionCheck,
  now: () => number,
  platform: string,
): Promise<ConnectionTest> {
  const started = now();
  const where = describeUrl(check.request.url);
  let res: HttpResponse;
  try {
    res = await http.send({ headersTimeoutMs: 15_000, bodyTimeoutMs: 15_000, ...check.request });
  } catch (error) {
    const message = error instanceof DeliveryError ? error.message : String(error);
    // A certificate or proxy problem is said as what it is, not as "cannot reach".
    if (error instanceof NetworkPathError) return { status: 'error', message, latencyMs: null };
    return {
      status: error instanceof TransientError ? 'unreachable' : 'error',
      message: `Cannot reach ${platform} at ${where}: ${message}`,
      latencyMs: null,
    };
  }
  const latencyMs = Math.max(0, now() - started);
  const said = serverMessage(res.text);
  if (res.status === 401 || res.status === 403) {
    return {
      status: 'bad-credentials',
      message: `${platform} refused the credentials (HTTP ${res.status}: ${said}). Check the key in this destination's settings.`,
      latencyMs,
    };
  }
  if ((res.status >= 200 && res.status < 300) || check.acceptedStatuses?.includes(res.status)) {
    return { status: 'ok', message: check.okMessage ?? `Connected to ${platform}; credentials accepted.`, latencyMs };
  }
  if (res.status === 404) {
    return {
      status: 'error',
      message: `${where} answered 404 (${said}): the base URL looks wrong for ${platform}.`,
      latencyMs,
    };
  }
  return { status: 'error', message: `${platform} answered HTTP ${res.status}: ${said}`, latencyMs };
}

/** True when anything answers at the base URL, whatever the status. */
export async function probeBase(http: HttpClient, baseUrl: string, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await http.send({
      method: 'HEAD',
      url: baseUrl,
      signal,
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 10_000,
    });
    // A platform answering 5xx or 429 to everything is there but not working: still down.
    return res.status < 500 && res.status !== 429;
  } catch {
    return false;
  }
}
