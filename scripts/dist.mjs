// npm run dist: package CallRelay for the OS this runs on (electron-builder.yml), then put the
// Node build of better-sqlite3 back, which the before-pack hook replaced with the Electron one.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from './build-electron.mjs';
import { restoreNodeBuild } from './better-sqlite3-runtime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const targetFlag = { darwin: '--mac', win32: '--win', linux: '--linux' }[process.platform];
if (!targetFlag) {
  console.error(`npm run dist supports macOS, Windows and Linux, not ${process.platform}.`);
  process.exit(1);
}

const run = (cmd, args) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

if (run(npm, ['run', 'build:renderer']) !== 0) process.exit(1);
await buildElectron({ production: true });

let status = 1;
try {
  status = run(npx, ['electron-builder', targetFlag, '--publish', 'never', ...process.argv.slice(2)]);
} finally {
  if (!restoreNodeBuild(root)) {
    console.error('Could not restore the Node build of better-sqlite3: run `npm rebuild better-sqlite3`.');
  }
}
if (status !== 0) {
  console.error(
    '\nPackaging failed (see above). It downloads Electron and, for better-sqlite3, prebuilt binaries or ' +
      'Electron headers: it needs internet access beyond the npm registry.',
  );
} else {
  console.log(`\nPackages are in ${path.join(root, 'release')}.`);
}
process.exit(status);
