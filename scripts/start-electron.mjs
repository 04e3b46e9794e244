// npm start: build the renderer and the Electron bundles, switch better-sqlite3 to the Electron
// build, run the app, and switch back to the Node build when it exits (tests and the CLI need
// it). Where no Electron binary can be had, stop before touching anything and point to the demo.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from './build-electron.mjs';
import { findElectronBinary, tryDownloadElectron } from './find-electron-binary.mjs';
import { rebuildForElectron, restoreNodeBuild } from './better-sqlite3-runtime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function noElectron(reason) {
  console.error(
    [
      '',
      `CallRelay's desktop window cannot start here: ${reason}.`,
      'npm installs only the electron package; its binary is downloaded from GitHub on first use, and that',
      'download failed or was skipped (CALLRELAY_NO_DOWNLOAD=1).',
      '',
      'Run the same app in your browser instead:',
      '    npm run demo',
      '(or `npx callrelay serve` with your own config). Nothing was changed in node_modules.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

let electron = findElectronBinary(root);
if (!electron.path && process.env.CALLRELAY_NO_DOWNLOAD !== '1') {
  await tryDownloadElectron(root);
  electron = findElectronBinary(root);
}
if (!electron.path) noElectron(electron.reason);

const renderer = spawnSync(npm, ['run', 'build:renderer'], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (renderer.status !== 0) process.exit(renderer.status ?? 1);
await buildElectron();

if (!rebuildForElectron(root, electron.version)) {
  const restored = restoreNodeBuild(root);
  console.error(
    `\nbetter-sqlite3 could not be built for Electron ${electron.version} (see above).` +
      (restored ? ' The Node build was restored.' : ' Run `npm rebuild better-sqlite3` to restore the Node build.') +
      '\nUse `npm run demo` to run CallRelay in the browser meanwhile.',
  );
  process.exit(1);
}

const child = spawn(electron.path, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  const restored = restoreNodeBuild(root);
  if (!restored) console.error('Could not restore the Node build of better-sqlite3: run `npm rebuild better-sqlite3`.');
  process.exit(code ?? (signal ? 1 : 0));
});
