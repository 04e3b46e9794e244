// Bundles the Electron main process (ESM) and the preload (one CommonJS file: a sandboxed
// preload cannot load modules) into dist-electron/. Our own code (main, core, shared) is
// bundled; npm packages stay external and are loaded from node_modules (inside the app's asar
// when packaged), so native modules and packages that read their own files keep working.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export async function buildElectron({
  production = false,
  outdir = path.join(root, 'dist-electron'),
  logLevel = 'info',
  // The demo (built-in sandbox with its fixed credentials) never ships in a packaged app: with
  // false, the branch that loads it is dead code and esbuild leaves the sandbox out entirely.
  demo = !production,
  metafile = false,
} = {}) {
  // Electron 45: Chromium 140, Node 22.
  const common = {
    bundle: true,
    platform: 'node',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel,
    legalComments: 'none',
    absWorkingDir: root,
  };
  const [main] = await Promise.all([
    build({
      ...common,
      metafile,
      define: { __CALLRELAY_DEMO__: demo ? 'true' : 'false' },
      entryPoints: { 'main/main': 'electron/main/main.ts' },
      outdir,
      format: 'esm',
      target: 'node22',
      packages: 'external',
      outExtension: { '.js': '.js' },
      // Bundled ESM still meets CommonJS inside some packages' code paths.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    }),
    build({
      ...common,
      entryPoints: { 'preload/preload': 'electron/preload/preload.ts' },
      outdir,
      format: 'cjs',
      target: 'chrome140',
      platform: 'browser',
      // The sandboxed preload's require knows only electron and a few Node built-ins.
      external: ['electron'],
      outExtension: { '.js': '.cjs' },
    }),
  ]);
  return { mainMetafile: main.metafile ?? null };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildElectron({ production: process.argv.includes('--production') }).catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}
