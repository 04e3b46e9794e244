export function nodeBuildWorks(cwd: string): boolean;
export function rebuildForElectron(cwd: string, version: string, arch?: string): boolean;
export function restoreNodeBuild(cwd: string): boolean;
