// The sandbox: every platform of the seed documents emulated on one port, strict about auth and
// bodies the way a real service is, with per-run faults and an inspection endpoint. Used by the
// tests, by `callrelay serve --demo` and by `callrelay sandbox` for people trying an integration.
//
//   /comswise/v1/…            comswise API           /comswise/storage/…   its presigned storage
//   /add-calls/api/add-calls  add-calls              /callab/v1/calls      callab
//   /agent-calls/api/calls/create  agent-calls       /cx/api/v1/calls      cx
//   /tus/files/               a real @tus/server     GET /__sandbox/requests, PUT /__sandbox/faults
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { DestinationConfig } from '../../../shared/config.js';
import { createAddCallsApi } from './add-calls-api.js';
import { createAgentCallsApi } from './agent-calls-api.js';
import { createCallabApi } from './callab-api.js';
import { createComswiseApi } from './comswise-api.js';
import { createCxApi } from './cx-api.js';
import { maskHeaders, maskQuery, type Exchange, type PlatformKind, type SandboxRequest } from './exchange.js';
import { createFaultDice, SandboxFaults, type FaultName, type SandboxFaultsInput } from './faults.js';
import { createTusEndpoint } from './tus-endpoint.js';

export type { SandboxRequest } from './exchange.js';
export { SandboxFaults, type SandboxFaultsInput } from './faults.js';

export interface SandboxOptions {
  host?: string;
  port?: number;
  /** Where tus uploads are stored; a fresh temporary folder when omitted (removed on close). */
  dataDir?: string;
  /** How long after a comswise call completes its summary and transcript appear. */
  resultDelayMs?: number;
  /** Lifetime of comswise presigned upload URLs. */
  presignTtlMs?: number;
  faults?: SandboxFaultsInput;
}

/** Credentials the sandbox accepts; destinationConfigs() fills them in. */
export const sandboxCredentials = {
  comswise: { token: 'sandbox-comswise-token-7f3a' },
  callab: { token: 'sandbox-callab-token-91c2' },
  'agent-calls': { apiKey: 'sandbox-agent-key-55d0', apiSecret: 'sandbox-agent-secret-0b8e' },
  cx: { username: 'sandbox-cx-user', password: 'sandbox-cx-password-4e1f' },
  'add-calls': { apiKey: 'sandbox-add-calls-key-c7a9' },
  tus: { headers: { authorization: 'Bearer sandbox-tus-token-2d6b' } },
} as const;

/** Platform ids the sandbox knows, used as destination defaults. */
export const sandboxIds = {
  callabCompanyId: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  agentId: 'agent-123',
  cxAgentId: '123e4567-e89b-12d3-a456-426614174000',
  cxSkillId: '123e4567-e89b-12d3-a456-426614174001',
} as const;

export interface SandboxCalls {
  comswise: Record<string, unknown>[];
  'add-calls': Record<string, unknown>[];
  callab: Record<string, unknown>[];
  'agent-calls': Record<string, unknown>[];
  cx: Record<string, unknown>[];
  tus: Record<string, unknown>[];
}

export interface Sandbox {
  url: string;
  destinationConfigs(): DestinationConfig[];
  requests(): SandboxRequest[];
  /** Calls created per platform (tus: finished uploads). */
  calls(): SandboxCalls;
  setFaults(faults: SandboxFaultsInput): SandboxFaults;
  faults(): SandboxFaults;
  /** Forgets the request log (not the calls). */
  clearRequests(): void;
  close(): Promise<void>;
}

const MAX_LOG = 20_000;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-sandbox-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const dice = createFaultDice(options.faults);
  const log: SandboxRequest[] = [];
  let seq = 0;
  let origin = '';

  const comswise = createComswiseApi({
    token: sandboxCredentials.comswise.token,
    presignTtlMs: options.presignTtlMs ?? 15 * 60_000,
    resultDelayMs: options.resultDelayMs ?? 2000,
    dice,
  });
  const addCalls = createAddCallsApi({ apiKey: sandboxCredentials['add-calls'].apiKey });
  const callab = createCallabApi({ token: sandboxCredentials.callab.token });
  const agentCalls = createAgentCallsApi(sandboxCredentials['agent-calls']);
  const cx = createCxApi(sandboxCredentials.cx);
  const tus = createTusEndpoint({
    directory: path.join(dataDir, 'tus'),
    path: '/tus/files',
    headers: sandboxCredentials.tus.headers,
  });

  const routes: { prefix: string; kind: PlatformKind; handle: (ex: Exchange) => Promise<void> }[] = [
    { prefix: '/comswise/v1', kind: 'comswise', handle: comswise.api },
    { prefix: '/comswise/storage', kind: 'comswise', handle: comswise.storage },
    { prefix: '/add-calls', kind: 'add-calls', handle: addCalls.handle },
    { prefix: '/callab', kind: 'callab', handle: callab.handle },
    { prefix: '/agent-calls', kind: 'agent-calls', handle: agentCalls.handle },
    { prefix: '/cx', kind: 'cx', handle: cx.handle },
    { prefix: '/tus/files', kind: 'tus', handle: tus.handle },
  ];
  const tusSecretHeaders = new Set(Object.keys(sandboxCredentials.tus.headers).map((h) => h.toLowerCase()));

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `sandbox failure: ${(error as Error).message}` }));
      } else {
        res.destroy();
      }
    });
  });
  // Large uploads and slow (throttled) clients must not be cut by Node's default timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/__sandbox/requests' && req.method === 'GET') {
      return json(res, 200, { requests: log, calls: calls() });
    }
    if (url.pathname === '/__sandbox/faults') {
      if (req.method === 'GET') return json(res, 200, dice.settings());
      if (req.method === 'PUT') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          return json(res, 400, { error: 'faults must be a JSON object' });
        }
        const parsed = SandboxFaults.safeParse(body);
        if (!parsed.success) {
          return json(res, 400, {
            error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          });
        }
        return json(res, 200, dice.set(parsed.data));
      }
    }
    const route = routes.find((r) => url.pathname === r.prefix || url.pathname.startsWith(`${r.prefix}/`));
    if (!route) {
      req.resume();
      return json(res, 404, { error: `The sandbox has no route ${req.method} ${url.pathname}` });
    }

    const declared = req.headers['content-length'];
    const entry: SandboxRequest = {
      seq: ++seq,
      at: new Date().toISOString(),
      kind: route.kind,
      method: req.method ?? 'GET',
      path: maskQuery(url.pathname + url.search),
      headers: maskHeaders(req.headers, route.kind === 'tus' ? tusSecretHeaders : new Set()),
      body: null,
      contentLength: declared === undefined ? null : Number(declared),
      bodyBytes: 0,
      status: null,
      fault: null,
      durationMs: null,
    };
    const arrived = performance.now();
    res.once('finish', () => {
      entry.durationMs = Math.round((performance.now() - arrived) * 10) / 10;
    });
    log.push(entry);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);

    const fault = dice.roll(route.kind);
    entry.fault = fault;
    if (fault && (await injectBefore(fault, req, res, entry))) return;

    const ex: Exchange = {
      req,
      res,
      kind: route.kind,
      path: url.pathname.slice(route.prefix.length) || '/',
      query: url.searchParams,
      entry,
      origin,
      now: () => Date.now(),
      send(status, body, headers = {}) {
        this.sendRaw(status, JSON.stringify(body), 'application/json', headers);
      },
      sendRaw(status, text, contentType, headers = {}) {
        entry.status = status;
        if (fault === 'drop-response') {
          entry.status = null;
          res.destroy();
          return;
        }
        res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
        res.end(text);
      },
      async readBody(limit = 1024 * 1024) {
        const chunks: Buffer[] = [];
        let size = 0;
        try {
          for await (const chunk of req) {
            size += (chunk as Buffer).length;
            entry.bodyBytes = size;
            if (size <= limit) chunks.push(chunk as Buffer);
          }
        } catch {
          return null;
        }
        return size <= limit ? Buffer.concat(chunks) : null;
      },
    };
    if (route.kind === 'tus') {
      const startBytes = req.socket.bytesRead;
      res.on('finish', () => {
        entry.status = res.statusCode;
        entry.bodyBytes = Math.max(0, req.socket.bytesRead - startBytes);
      });
      res.on('close', () => {
        entry.bodyBytes = Math.max(entry.bodyBytes, req.socket.bytesRead - startBytes);
      });
      if (fault === 'drop-response') {
        // @tus/server writes the answer itself; dropping it means cutting the socket once it is done.
        res.on('finish', () => req.socket.destroy());
      }
    }
    await route.handle(ex);
  }

  /** Returns true when the fault answered (or killed) the request. */
  async function injectBefore(
    fault: FaultName,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: SandboxRequest,
  ): Promise<boolean> {
    const settings = dice.settings();
    switch (fault) {
      case 'error500':
        entry.status = 500;
        req.resume();
        json(res, 500, { detail: 'Internal Server Error (sandbox fault)', error: 'internal_error' });
        return true;
      case 'error503':
        entry.status = 503;
        req.resume();
        json(res, 503, { detail: 'Service Unavailable (sandbox fault)', error: 'unavailable' }, { 'retry-after': '1' });
        return true;
      case 'rate-limit':
        entry.status = 429;
        req.resume();
        json(
          res,
          429,
          { detail: 'Too Many Requests (sandbox fault)', error: 'rate_limited' },
          { 'retry-after': String(settings.retryAfterSec) },
        );
        return true;
      case 'reset': {
        const total = Number(req.headers['content-length'] ?? 0);
        if (total > 0) {
          let seen = 0;
          await new Promise<void>((resolve) => {
            req.on('data', (chunk: Buffer) => {
              seen += chunk.length;
              entry.bodyBytes = seen;
              if (seen >= total / 2) resolve();
            });
            req.on('end', resolve);
            req.on('error', () => resolve());
          });
        }
        req.socket.destroy();
        return true;
      }
      case 'stall':
        req.pause();
        await new Promise((resolve) => setTimeout(resolve, settings.stallMs).unref());
        req.socket.destroy();
        return true;
      case 'drop-response':
        return false;
    }
  }

  function calls(): SandboxCalls {
    return {
      comswise: comswise.calls() as unknown as Record<string, unknown>[],
      'add-calls': addCalls.calls(),
      callab: callab.calls(),
      'agent-calls': agentCalls.calls(),
      cx: cx.calls(),
      tus: tus.uploads(),
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${shownHost}:${address.port}`;

  return {
    url: origin,
    destinationConfigs: () => [
      {
        name: 'comswise',
        kind: 'comswise',
        baseUrl: `${origin}/comswise/v1`,
        auth: { ...sandboxCredentials.comswise },
        defaults: {},
        enabled: true,
      },
      {
        name: 'add-calls',
        kind: 'add-calls',
        baseUrl: `${origin}/add-calls`,
        auth: { ...sandboxCredentials['add-calls'] },
        defaults: {},
        enabled: true,
      },
      {
        name: 'callab',
        kind: 'callab',
        baseUrl: `${origin}/callab`,
        auth: { ...sandboxCredentials.callab },
        defaults: { company_id: sandboxIds.callabCompanyId, call_provider: 'callrelay' },
        enabled: true,
      },
      {
        name: 'agent-calls',
        kind: 'agent-calls',
        baseUrl: `${origin}/agent-calls`,
        auth: { ...sandboxCredentials['agent-calls'] },
        defaults: { agent_id: sandboxIds.agentId, call_type: 'PHONE_CALL' },
        enabled: true,
      },
      {
        name: 'cx',
        kind: 'cx',
        baseUrl: `${origin}/cx`,
        auth: { ...sandboxCredentials.cx },
        defaults: { agentId: sandboxIds.cxAgentId, skillId: sandboxIds.cxSkillId, channel: 'call' },
        enabled: true,
      },
      {
        name: 'tus',
        kind: 'tus',
        baseUrl: `${origin}/tus/files/`,
        auth: { headers: { ...sandboxCredentials.tus.headers } },
        defaults: {},
        enabled: true,
      },
    ],
    requests: () => log.map((e) => ({ ...e })),
    calls,
    setFaults: (faults) => dice.set(faults),
    faults: () => dice.settings(),
    clearRequests: () => {
      log.length = 0;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
