export type ElectronBinary = { path: string; version: string } | { path: null; version: string | null; reason: string };
export function findElectronBinary(projectRoot: string, env?: NodeJS.ProcessEnv): ElectronBinary;
export function tryDownloadElectron(projectRoot: string, options?: { timeoutMs?: number }): Promise<boolean>;
