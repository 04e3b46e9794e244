export const cliOutdir: string;
export function buildCli(options?: {
  production?: boolean;
  outdir?: string;
  logLevel?: 'info' | 'warning' | 'error' | 'silent';
}): Promise<string[]>;
