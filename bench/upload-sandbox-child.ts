// The sandbox in its own process for the upload bench, so the bench process's memory is the
// client's alone. Prints one JSON line {url, configs} and runs until killed.
import { startSandbox } from '../electron/headless/sandbox/sandbox.js';

const dataDir = process.argv[2];
const sandbox = await startSandbox({ dataDir, presignTtlMs: 6 * 3600_000, resultDelayMs: 1000 });
process.stdout.write(`${JSON.stringify({ url: sandbox.url, configs: sandbox.destinationConfigs() })}\n`);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
