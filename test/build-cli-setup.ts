// Vitest global setup: tests spawn `bin/callrelay.js`, which runs the compiled CLI in dist-cli/.
// Building it here, once per run, means a test always runs the source as it is now, never a
// build left over from an older checkout (esbuild takes well under a second).
import { buildCli } from '../scripts/build-cli.mjs';

export default async function setup(): Promise<void> {
  await buildCli();
}
