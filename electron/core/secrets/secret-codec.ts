// How a host encrypts secrets at rest. The desktop app builds one on Electron's safeStorage; the
// headless host has none and uses env: references or an owner-only config file instead.
export interface SecretCodec {
  /** False where the OS offers no real encryption (e.g. Linux without a keyring). */
  isAvailable(): boolean;
  /** Plain text in, base64 ciphertext out. */
  encrypt(plain: string): string;
  /** Base64 ciphertext in, plain text out; throws when it cannot be decrypted on this machine. */
  decrypt(cipher: string): string;
  /**
   * Asked when encryption is unavailable and a secret must be stored: true stores it as plain
   * text in the owner-only config file, false refuses. Absent means refuse.
   */
  confirmPlaintextStorage?(): boolean;
}

/**
 * The headless host's rule: there is no OS key store, so a secret typed in the settings form is
 * kept as plain text in the config file, which CallRelay writes readable by its owner only.
 */
export const ownerOnlyFileCodec: SecretCodec = {
  isAvailable: () => false,
  encrypt: () => {
    throw new Error('the headless host has no key store to encrypt with');
  },
  decrypt: () => {
    throw new Error('the headless host has no key store to decrypt with');
  },
  confirmPlaintextStorage: () => true,
};
