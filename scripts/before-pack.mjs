// electron-builder beforePack hook: rebuild better-sqlite3 for the Electron version and the
// architecture being packed (macOS packs x64 and arm64 in turn). npm install never does this,
// so tests and the CLI keep the Node build; scripts/dist.mjs puts the Node build back afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { rebuildForElectron } from './better-sqlite3-runtime.mjs';

// builder-util's Arch enum, by value.
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

export default async function beforePack(context) {
  const projectDir = context.packager.projectDir ?? process.cwd();
  const require = createRequire(path.join(projectDir, 'package.json'));
  const electronVersion =
    context.packager.config?.electronVersion ??
    JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const arch = ARCH_NAMES[context.arch] ?? process.arch;
  if (arch === 'universal') {
    throw new Error('Universal macOS builds are not supported: pack x64 and arm64 separately (electron-builder.yml).');
  }
  if (context.electronPlatformName !== process.platform) {
    throw new Error(
      `Cannot pack for ${context.electronPlatformName} on ${process.platform}: better-sqlite3 must be built on ` +
        'the target OS. Run npm run dist on that OS.',
    );
  }
  if (!rebuildForElectron(projectDir, electronVersion, arch)) {
    throw new Error(
      `Rebuilding better-sqlite3 for Electron ${electronVersion} (${arch}) failed; see the output above. ` +
        'It needs the Electron headers (or a prebuilt binary) from the internet.',
    );
  }
}
