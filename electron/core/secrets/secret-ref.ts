// Secret references as written in the config file:
//   env:NAME        read from the environment at start (headless servers, CI)
//   safe:<base64>   encrypted by the desktop app's key store (safeStorage), only it can read them
//   anything else   a literal value (headless files that only their owner can read)
// Errors name the field and say what to do, because they surface at start-up.
import type { SecretCodec } from './secret-codec.js';

export type SecretRef =
  | { kind: 'env'; name: string }
  | { kind: 'safe'; cipher: string }
  | { kind: 'literal'; value: string };

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseSecretRef(stored: string): SecretRef {
  if (stored.startsWith('env:')) {
    const name = stored.slice(4);
    if (!ENV_NAME.test(name)) {
      throw new SecretError(
        `"env:${name}" is not a valid environment variable reference; write env:NAME with letters, digits and underscores.`,
      );
    }
    return { kind: 'env', name };
  }
  if (stored.startsWith('safe:')) {
    const cipher = stored.slice(5);
    if (!BASE64.test(cipher)) {
      throw new SecretError('a safe: secret is damaged (not base64); enter the secret again in the settings.');
    }
    return { kind: 'safe', cipher };
  }
  return { kind: 'literal', value: stored };
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  codec?: SecretCodec | null;
}

/** Resolves one stored value to the secret itself. `field` names the config path for messages. */
export function resolveSecret(stored: string, field: string, options: ResolveOptions): string {
  const ref = parseSecretRef(stored);
  switch (ref.kind) {
    case 'literal':
      return ref.value;
    case 'env': {
      const value = options.env[ref.name];
      if (value === undefined || value === '') {
        throw new SecretError(
          `${field} refers to the environment variable ${ref.name}, which is not set; ` +
            `set ${ref.name} before starting CallRelay, or change the reference.`,
        );
      }
      return value;
    }
    case 'safe': {
      const codec = options.codec;
      if (!codec || !codec.isAvailable()) {
        throw new SecretError(
          `${field} was encrypted by the desktop app's key store, which is not available here; ` +
            'enter it again in the desktop app, or use env:NAME for a headless server.',
        );
      }
      try {
        return codec.decrypt(ref.cipher);
      } catch (error) {
        throw new SecretError(
          `${field} cannot be decrypted on this machine (${(error as Error).message}); enter the secret again in the settings.`,
        );
      }
    }
  }
}

/**
 * Turns a secret typed by a person into what is written to the config file. A reference typed
 * on purpose (env:NAME) is kept as is; anything else is encrypted, or stored plain only after
 * the person agreed because this system has no encryption.
 */
export function sealSecret(plain: string, codec: SecretCodec | null | undefined): string {
  if (plain.startsWith('env:')) {
    parseSecretRef(plain);
    return plain;
  }
  if (codec?.isAvailable()) return `safe:${codec.encrypt(plain)}`;
  if (codec?.confirmPlaintextStorage?.()) return plain;
  throw new SecretError(
    'This system offers no encryption for stored secrets and storing it unencrypted was not allowed; ' +
      'use an env:NAME reference instead, or allow storing without encryption.',
  );
}
