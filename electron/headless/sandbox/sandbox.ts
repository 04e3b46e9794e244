// The sandbox: every platform of the seed documents emulated on one port, strict about auth and
// bodies the way a real service is, with per-run faults and an inspection endpoint. Used by the
// tests, by `callrelay serve --demo` and by `callrelay sandbox` for people trying an integration.
// The platforms come from platforms.ts (one folder each, routes under /<kind>); the built-in ones:
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
import type { DestinationKind } from '../../../shared/model.js';
import { maskHeaders, maskQuery, type Exchange, type PlatformKind, type SandboxRequest } from './exchange.js';
import { createFaultDice, SandboxFaults, type FaultName, type SandboxFaultsInput } from './faults.js';
import { sandboxPlatforms } from './platforms.js';
import type { EmulatedPlatform, SandboxPlatform } from './sandbox-platform.js';

export type { SandboxRequest } from './exchange.js';
export { SandboxFaults, type SandboxFaultsInput } from './faults.js';
export { sandboxCredentials, sandboxIds } from './platforms.js';
export type { SandboxPlatform } from './sandbox-platform.js';

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
  /** The platforms to emulate; every built-in one when omitted (a test adds one of its own). */
  platforms?: readonly SandboxPlatform[];
}

/** Calls created per platform (tus: finished uploads). */
export type SandboxCalls = Record<DestinationKind, Record<string, unknown>[]>;

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

  const platforms = (options.platforms ?? sandboxPlatforms).map((platform) => {
    const emulated = platform.start({
      dataDir,
      dice,
      presignTtlMs: options.presignTtlMs ?? 15 * 60_000,
      resultDelayMs: options.resultDelayMs ?? 2000,
    });
    for (const route of emulated.routes) {
      if (route.prefix !== `/${platform.kind}` && !route.prefix.startsWith(`/${platform.kind}/`)) {
        throw new Error(`sandbox platform ${platform.kind}: route ${route.prefix} is not under /${platform.kind}`);
      }
    }
    return { platform, emulated, secretHeaders: new Set((emulated.secretHeaders ?? []).map((h) => h.toLowerCase())) };
  });
  const routes: {
    prefix: string;
    kind: PlatformKind;
    emulated: EmulatedPlatform;
    secretHeaders: Set<string>;
    handle: (ex: Exchange) => Promise<void>;
  }[] = platforms.flatMap(({ platform, emulated, secretHeaders }) =>
    emulated.routes.map((r) => ({ prefix: r.prefix, kind: platform.kind, emulated, secretHeaders, handle: r.handle })),
  );

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
    if (url.pathname === '/' && req.method === 'GET') {
      // A person who opens the sandbox's address learns what it is and where to go instead.
      return json(res, 200, {
        sandbox: 'CallRelay sandbox: it plays the call-analytics platforms the demo delivers to.',
        open: 'Open the "CallRelay is running" address that serve printed to use the app.',
        platforms: [...new Set(routes.map((r) => r.kind))].map((kind) => ({
          kind,
          paths: routes.filter((r) => r.kind === kind).map((r) => r.prefix),
        })),
        inspect: { requests: '/__sandbox/requests', faults: '/__sandbox/faults' },
      });
    }
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
      headers: maskHeaders(req.headers, route.secretHeaders),
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
    if (route.emulated.answersOnRawResponse) {
      const startBytes = req.socket.bytesRead;
      res.on('finish', () => {
        entry.status = res.statusCode;
        entry.bodyBytes = Math.max(0, req.socket.bytesRead - startBytes);
      });
      res.on('close', () => {
        entry.bodyBytes = Math.max(entry.bodyBytes, req.socket.bytesRead - startBytes);
      });
      if (fault === 'drop-response') {
        // The emulation writes the answer itself; dropping it means cutting the socket once it is done.
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
    return Object.fromEntries(
      platforms.map(({ platform, emulated }) => [platform.kind, emulated.calls()]),
    ) as SandboxCalls;
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
    destinationConfigs: () => platforms.map(({ platform }) => platform.destinationConfig(origin)),
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
