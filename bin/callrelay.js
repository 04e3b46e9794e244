#!/usr/bin/env node
// Runs the compiled CLI in dist-cli/ (plain JavaScript, no TypeScript at run time). It is built
// by `npm install` (the prepare script), by `npm run build:cli`, and before every test run.
try {
  await import('../dist-cli/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist-cli')) {
    console.error('callrelay: the command line is not built yet; run: npm run build:cli');
    process.exit(1);
  }
  throw error;
}
