// Finds the Electron executable WITHOUT asking for a download: `require('electron')` would try
// to download it when it is missing, which hangs or fails where only the npm registry is reachable.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/**
 * @param {string} projectRoot
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ path: string, version: string } | { path: null, version: string | null, reason: string }}
 */
export function findElectronBinary(projectRoot, env = process.env) {
  const require = createRequire(path.join(projectRoot, 'package.json'));
  let pkgFile;
  try {
    pkgFile = require.resolve('electron/package.json');
  } catch {
    return { path: null, version: null, reason: 'the electron package is not installed (run npm install)' };
  }
  const dir = path.dirname(pkgFile);
  const version = JSON.parse(fs.readFileSync(pkgFile, 'utf8')).version;
  const pathFile = path.join(dir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    if (fs.existsSync(candidate)) return { path: candidate, version };
    return { path: null, version, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron executable (${candidate})` };
  }
  if (!relative) {
    return {
      path: null,
      version,
      reason: `the Electron ${version} binary was never downloaded (node_modules/electron/path.txt is missing)`,
    };
  }
  const binary = path.join(dir, 'dist', relative);
  if (!fs.existsSync(binary)) {
    return { path: null, version, reason: `the Electron ${version} binary is missing (${binary})` };
  }
  return { path: binary, version };
}

/** Runs electron's own installer once; returns whether a binary is there afterwards. */
export async function tryDownloadElectron(projectRoot, { timeoutMs = 180_000 } = {}) {
  const { spawnSync } = await import('node:child_process');
  const require = createRequire(path.join(projectRoot, 'package.json'));
  let installer;
  try {
    installer = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return false;
  }
  console.log('Downloading the Electron binary (once)...');
  const result = spawnSync(process.execPath, [installer], { stdio: 'inherit', timeout: timeoutMs });
  return result.status === 0 && findElectronBinary(projectRoot).path !== null;
}
