// What the security tests share: raw HTTP requests with full control of every header (fetch
// would not let us forge Host), a server that plays the attacker's platform and records what
// reaches it, a tally of attacks tried and let through, and a serve set up as a site would be.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { startServe, type ServeProcess } from '../fixtures/serve-process.js';

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request exactly as given: method, path (not normalised), headers including Host. */
export function raw(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawReply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: !Object.keys(options.headers ?? {}).some((h) => h.toLowerCase() === 'host'),
        timeout: 20_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Writes raw bytes on a socket (a request line or Host no HTTP client would send); resolves the reply. */
export async function rawSocket(url: string, text: string): Promise<string> {
  const net = await import('node:net');
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(target.port), target.hostname);
    let reply = '';
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (c: Buffer) => (reply += c.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(reply);
    });
    socket.on('error', () => undefined);
    socket.write(text);
  });
}

export interface AttackerServer {
  url: string;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A server the attacker controls: answers everything like a platform would, and remembers it. */
export async function startAttackerServer(): Promise<AttackerServer> {
  const requests: AttackerServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ uploadUrl: 'http://127.0.0.1:9/x', fileKey: 'k', calls: [], hasMore: false }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Attacks tried and let through, printed at the end for the figure. */
export function createTally(name: string) {
  const tried: { attack: string; through: boolean }[] = [];
  return {
    record(attack: string, through: boolean) {
      tried.push({ attack, through });
    },
    tried: () => tried.length,
    through: () => tried.filter((t) => t.through).map((t) => t.attack),
    report() {
      const through = tried.filter((t) => t.through);
      console.log(`[${name}] attacks tried: ${tried.length}, got through: ${through.length}`);
      for (const t of through) console.log(`  through: ${t.attack}`);
    },
  };
}

export interface SiteServer {
  serve: ServeProcess;
  sandbox: Sandbox;
  dir: string;
  recordings: string;
  configFile: string;
  comswiseToken: string;
  close(): Promise<void>;
}

/** `callrelay serve` on its default loopback bind, a comswise destination (the sandbox), one folder. */
export async function startSiteServer(
  extraArgs: string[] = [],
  folder: Record<string, unknown> = {},
): Promise<SiteServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-security-'));
  const sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), resultDelayMs: 100 });
  const recordings = path.join(dir, 'recordings');
  fs.mkdirSync(recordings);
  const comswise = sandbox.destinationConfigs().find((d) => d.kind === 'comswise')!;
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      destinations: [{ ...comswise, name: 'main' }],
      folders: [
        {
          path: recordings,
          destination: 'main',
          quietPeriodMs: 300,
          region: 'US',
          recursive: false,
          // comswise threads calls by groupingId; the test files carry no numbers.
          defaults: { groupingId: 'security-test' },
          ...folder,
        },
      ],
    }),
    { mode: 0o600 },
  );
  const serve = await startServe([
    '--config',
    configFile,
    '--data',
    path.join(dir, 'data'),
    '--port',
    '0',
    ...extraArgs,
  ]);
  return {
    serve,
    sandbox,
    dir,
    recordings,
    configFile,
    comswiseToken: (comswise.auth as { token: string }).token,
    async close() {
      await serve.stop();
      await sandbox.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
