export function buildElectron(options?: { production?: boolean }): Promise<void>;
