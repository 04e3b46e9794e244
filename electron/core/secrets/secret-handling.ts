// The secret rules of one host, in the shape the settings store asks for: resolve references,
// seal what a person types, mask for the renderer. It also remembers every plain value it sees
// so the host can redact them from logs and from anything sent to the renderer.
import type { MaskedSecret } from '../../../shared/contract.js';
import { maskSecret } from './mask-secret.js';
import type { SecretCodec } from './secret-codec.js';
import { resolveSecret, sealSecret } from './secret-ref.js';

export interface SecretHandling {
  resolve(stored: string, field: string): string;
  store(plain: string): string;
  mask(plain: string): MaskedSecret;
  /** Plain values resolved or stored so far (for redaction). */
  knownValues(): string[];
}

export function createSecretHandling(options: {
  env?: NodeJS.ProcessEnv | Record<string, string | undefined>;
  codec?: SecretCodec | null;
}): SecretHandling {
  const env = options.env ?? process.env;
  const known = new Set<string>();
  const remember = (plain: string) => {
    if (plain) known.add(plain);
    return plain;
  };
  return {
    resolve: (stored, field) => remember(resolveSecret(stored, field, { env, codec: options.codec })),
    store: (plain) => sealSecret(remember(plain), options.codec),
    mask: (plain) => maskSecret(plain),
    knownValues: () => [...known],
  };
}
