// Literal secrets are tolerated in a headless config file only when no one but its owner can
// read it. This checks the file's mode and says how to fix it; Windows has no mode bits to check.
import fs from 'node:fs';
import { parseSecretRef } from './secret-ref.js';

type Auth = Record<string, string | Record<string, string>>;

function literalFields(destinations: ReadonlyArray<{ name: string; auth: unknown }>): string[] {
  const fields: string[] = [];
  for (const d of destinations) {
    const walk = (auth: Auth, prefix: string) => {
      for (const [key, value] of Object.entries(auth)) {
        if (typeof value === 'string') {
          if (parseSecretRef(value).kind === 'literal') fields.push(`${prefix}.${key}`);
        } else walk(value, `${prefix}.${key}`);
      }
    };
    walk((d.auth ?? {}) as Auth, `destinations[${d.name}].auth`);
  }
  return fields;
}

/**
 * Returns a warning when the file holds literal secrets and others can read it, else null.
 * `mode` is the file's st_mode; pass it in tests, or leave it out to stat the file.
 */
export function checkLiteralSecretExposure(
  file: string,
  destinations: ReadonlyArray<{ name: string; auth: unknown }>,
  options: { mode?: number; platform?: NodeJS.Platform } = {},
): string | null {
  if ((options.platform ?? process.platform) === 'win32') return null;
  const fields = literalFields(destinations);
  if (fields.length === 0) return null;
  let mode = options.mode;
  if (mode === undefined) {
    try {
      mode = fs.statSync(file).mode;
    } catch {
      return null;
    }
  }
  if ((mode & 0o077) === 0) return null;
  return (
    `${file} holds secrets written in plain text (${fields.join(', ')}) and can be read by other users ` +
    `(mode ${(mode & 0o777).toString(8)}). Run "chmod 600 ${file}", or write them as env:NAME references.`
  );
}
