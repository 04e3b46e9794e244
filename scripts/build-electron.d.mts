export function buildElectron(options?: {
  production?: boolean;
  outdir?: string;
  logLevel?: 'info' | 'warning' | 'error' | 'silent';
  /** Include the demo mode and its sandbox; default: not in production builds. */
  demo?: boolean;
  metafile?: boolean;
}): Promise<{ mainMetafile: { inputs: Record<string, unknown>; outputs: Record<string, unknown> } | null }>;
