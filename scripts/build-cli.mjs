// Bundles the headless CLI (`callrelay serve | status | doctor | …`) into dist-cli/ so it runs as
// plain JavaScript: no TypeScript compiler at start-up (tsx cost ~1.9 s per start). Code
// splitting keeps each command's dynamic import a chunk of its own, so `--help` and `status` do
// not load the UI host, the sandbox or the engine. npm packages stay external (native
// better-sqlite3, packages reading their own files). Files are written atomically (temp + rename)
// so a CLI starting during a rebuild never reads half a chunk.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cliOutdir = path.join(root, 'dist-cli');

export async function buildCli({ production = false, outdir = cliOutdir, logLevel = 'warning' } = {}) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { cli: 'electron/cli.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: production ? false : 'linked',
    minify: false,
    // Class names survive bundling: the CLI tells expected errors apart by them.
    keepNames: true,
    legalComments: 'none',
    logLevel,
    write: false,
    // Bundled ESM still meets CommonJS `require` inside some code paths.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const written = new Set();
  for (const file of result.outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
    written.add(file.path);
  }
  // Chunks of an older build (their names carry a content hash) are removed.
  for (const entry of fs.readdirSync(outdir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && !written.has(full) && !entry.name.endsWith('.tmp')) fs.rmSync(full, { force: true });
  }
  return [...written];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildCli({ production: process.argv.includes('--production') }).catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}
