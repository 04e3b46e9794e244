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
