// Proxy auto-config (PAC) files: fetched, compiled once, and asked FindProxyForURL per origin.
// pac-resolver (the proxy-agents project behind pac-proxy-agent) runs the script inside a
// QuickJS WebAssembly sandbox: a PAC file comes from the network and must not run as our code.
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createPacResolver, type FindProxyForURL } from 'pac-resolver';
import { QuickJS } from 'quickjs-wasi';
import { request, type Dispatcher } from 'undici';

export class PacFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PacFileError';
  }
}

export interface PacFiles {
  /** FindProxyForURL of the PAC file at pacUrl for url; answers like "PROXY p:3128; DIRECT". */
  find(pacUrl: string, url: URL): Promise<string>;
  close(): void;
}

const MAX_PAC_BYTES = 1024 * 1024;

export function createPacFiles(options: {
  /** How the PAC file itself is fetched: always directly (it says which proxy to use). */
  dispatcher?: Dispatcher;
  now?: () => number;
  /** A compiled file is fetched again after this long (WPAD files change rarely). */
  refreshMs?: number;
}): PacFiles {
  const now = options.now ?? Date.now;
  const refreshMs = options.refreshMs ?? 30 * 60_000;
  const compiled = new Map<string, { at: number; find: Promise<FindProxyForURL>; vm: Promise<QuickJS> }>();
  let wasm: Promise<Buffer> | null = null;

  async function load(pacUrl: string): Promise<string> {
    const url = new URL(pacUrl);
    if (url.protocol === 'file:') return fs.readFile(fileURLToPath(url), 'utf8');
    const res = await request(url, {
      method: 'GET',
      dispatcher: options.dispatcher,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new PacFileError(`answered HTTP ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).byteLength;
      if (size > MAX_PAC_BYTES) {
        res.body.destroy();
        throw new PacFileError('is larger than 1 MB, which no PAC file is');
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function compile(pacUrl: string) {
    wasm ??= fs.readFile(fileURLToPath(import.meta.resolve('quickjs-wasi/quickjs.wasm')));
    const vm = wasm.then((bytes) => QuickJS.create({ wasm: bytes }));
    const code = load(pacUrl).catch((error: unknown) => {
      if (error instanceof PacFileError) throw error;
      const why = (error as { code?: string }).code ?? (error as Error).message;
      throw new PacFileError(`could not be fetched (${why})`, { cause: error });
    });
    const find = Promise.all([vm, code]).then(([qjs, code]) => {
      try {
        return createPacResolver(qjs, code, { filename: pacUrl });
      } catch (error) {
        throw new PacFileError(`is not a valid PAC script (${(error as Error).message})`, { cause: error });
      }
    });
    const entry = { at: now(), find, vm };
    // A file that failed to load is tried again on the next request, not cached as a failure.
    find.catch(() => {
      if (compiled.get(pacUrl) === entry) compiled.delete(pacUrl);
      void vm.then((q) => q.dispose()).catch(() => {});
    });
    return entry;
  }

  return {
    async find(pacUrl, url) {
      let entry = compiled.get(pacUrl);
      if (!entry || now() - entry.at > refreshMs) {
        const old = entry;
        entry = compile(pacUrl);
        compiled.set(pacUrl, entry);
        if (old) void old.vm.then((q) => q.dispose()).catch(() => {});
      }
      let findProxy: FindProxyForURL;
      try {
        findProxy = await entry.find;
      } catch (error) {
        const why = error instanceof PacFileError ? error.message : (error as Error).message;
        throw new PacFileError(`The proxy auto-config file ${pacUrl} could not be used: it ${why}.`, { cause: error });
      }
      try {
        return await findProxy(url.toString(), url.hostname);
      } catch (error) {
        throw new PacFileError(
          `The proxy auto-config file ${pacUrl} failed for ${url.host} (${(error as Error).message}).`,
          { cause: error },
        );
      }
    },
    close() {
      for (const entry of compiled.values()) void entry.vm.then((q) => q.dispose()).catch(() => {});
      compiled.clear();
    },
  };
}
