// better-sqlite3 is a native module built for one runtime at a time: Node (tests, the CLI,
// `npm run demo`) or Electron (the desktop app). These helpers switch it and check which one
// it is built for. npm install always leaves the Node build; only npm start and the packager
// switch to Electron, and they switch back.
import { spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args, cwd, extraEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  const result = spawnSync(npm, args, { cwd, stdio: 'inherit', env, shell: process.platform === 'win32' });
  return result.status === 0;
}

/** True when better-sqlite3 loads under this Node. */
export function nodeBuildWorks(cwd) {
  const result = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd,
    stdio: 'ignore',
  });
  return result.status === 0;
}

/** Rebuilds better-sqlite3 for Electron `version` and `arch`. */
export function rebuildForElectron(cwd, version, arch = process.arch) {
  console.log(`Rebuilding better-sqlite3 for Electron ${version} (${arch})...`);
  return run(
    [
      'rebuild',
      'better-sqlite3',
      '--runtime=electron',
      `--target=${version}`,
      `--arch=${arch}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    cwd,
    // Node's own headers (nodedir) must not be used for an Electron build.
    { npm_config_nodedir: '', npm_config_runtime: 'electron', npm_config_target: version, npm_config_arch: arch },
  );
}

/** Puts back the build for this Node; returns whether it loads afterwards. */
export function restoreNodeBuild(cwd) {
  if (nodeBuildWorks(cwd)) return true;
  console.log('Restoring the Node build of better-sqlite3 (npm rebuild better-sqlite3)...');
  run(['rebuild', 'better-sqlite3'], cwd, {
    npm_config_runtime: 'node',
    npm_config_target: process.versions.node,
    npm_config_arch: process.arch,
  });
  return nodeBuildWorks(cwd);
}
