// The desktop's SecretCodec on Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet).
// On Linux without a keyring safeStorage falls back to a fixed key ("basic_text"), which is not
// encryption, so it counts as unavailable: the person is told and asked before anything is stored.
import type { Dialog, BrowserWindow, SafeStorage } from 'electron';
import type { SecretCodec } from '../core/secrets/secret-codec.js';

type SafeStoragePort = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};
type DialogPort = Pick<Dialog, 'showMessageBoxSync'>;

export const NO_ENCRYPTION_MESSAGE = 'This computer offers no encryption for saved secrets';
export const NO_ENCRYPTION_DETAIL =
  'CallRelay normally encrypts API keys and passwords with the system key store, but none is available ' +
  '(on Linux: no keyring such as GNOME Keyring or KWallet is running). If you continue, the secret is saved ' +
  'unencrypted in a config file that only your user account can read. You can instead cancel and use an ' +
  'env:NAME reference, or set up a keyring and restart CallRelay.';

export function isSafeStorageUsable(
  safeStorage: SafeStoragePort,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

export function createSafeStorageCodec(deps: {
  safeStorage: SafeStoragePort;
  dialog: DialogPort;
  getWindow: () => BrowserWindow | null;
  platform?: NodeJS.Platform;
}): SecretCodec {
  // One answer per run: asking again for every field of one form would be noise.
  let plaintextAllowed: boolean | null = null;
  return {
    isAvailable: () => isSafeStorageUsable(deps.safeStorage, deps.platform),
    encrypt: (plain) => deps.safeStorage.encryptString(plain).toString('base64'),
    decrypt: (cipher) => deps.safeStorage.decryptString(Buffer.from(cipher, 'base64')),
    confirmPlaintextStorage() {
      if (plaintextAllowed !== null) return plaintextAllowed;
      const options = {
        type: 'warning' as const,
        title: 'CallRelay',
        message: NO_ENCRYPTION_MESSAGE,
        detail: NO_ENCRYPTION_DETAIL,
        buttons: ['Save without encryption', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      };
      const win = deps.getWindow();
      const choice = win ? deps.dialog.showMessageBoxSync(win, options) : deps.dialog.showMessageBoxSync(options);
      plaintextAllowed = choice === 0;
      return plaintextAllowed;
    },
  };
}
