import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // scripts/build-electron.mjs defines it (false in packaged builds); unbundled, the demo is in.
  define: { __CALLRELAY_DEMO__: 'true' },
  test: {
    // Playwright specs live in test/e2e and test/electron and run under `playwright test`.
    include: [
      'test/unit/**/*.test.{ts,tsx}',
      'test/integration/**/*.test.ts',
      'test/renderer/**/*.test.{ts,tsx}',
      'test/security/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker per core minus one: a single worker on a 2-core machine. Most
    // files here wait on child processes (serve, curl, MariaDB, tinyproxy), so two overlap well:
    // the whole run takes about half as long, and the slow tarball test no longer blocks the rest.
    maxWorkers: 2,
    // Builds the CLI that integration tests spawn through bin/callrelay.js.
    globalSetup: ['./test/build-cli-setup.ts'],
  },
});
