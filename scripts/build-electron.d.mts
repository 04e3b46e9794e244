export function buildElectron(options?: {
  production?: boolean;
  outdir?: string;
  logLevel?: 'info' | 'warning' | 'error' | 'silent';
}): Promise<void>;
