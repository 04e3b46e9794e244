import { describe, expect, it } from 'vitest';
import type { BrowserWindow } from 'electron';
import { createSafeStorageCodec } from '../../../electron/main/safe-storage-codec.js';
import { sealSecret, resolveSecret } from '../../../electron/core/secrets/secret-ref.js';
import { createFakeDialog, createFakeSafeStorage } from './electron-mock.js';

const noWindow = () => null as BrowserWindow | null;

describe('safeStorage codec', () => {
  it('round-trips through safeStorage as base64, and seals as safe:', () => {
    const safeStorage = createFakeSafeStorage();
    const codec = createSafeStorageCodec({ safeStorage, dialog: createFakeDialog(), getWindow: noWindow });
    const sealed = sealSecret('tok-123456789012', codec);
    expect(sealed).toMatch(/^safe:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('tok-123456789012');
    expect(resolveSecret(sealed, 'auth.token', { env: {}, codec })).toBe('tok-123456789012');
  });

  it('treats Linux basic_text as no encryption', () => {
    const safeStorage = createFakeSafeStorage({ backend: 'basic_text' });
    const linux = createSafeStorageCodec({
      safeStorage,
      dialog: createFakeDialog(),
      getWindow: noWindow,
      platform: 'linux',
    });
    expect(linux.isAvailable()).toBe(false);
    const mac = createSafeStorageCodec({
      safeStorage,
      dialog: createFakeDialog(),
      getWindow: noWindow,
      platform: 'darwin',
    });
    expect(mac.isAvailable()).toBe(true);
  });

  it('without encryption, asks once before storing in plain text and respects the answer', () => {
    const safeStorage = createFakeSafeStorage({ available: false });
    const yes = createFakeDialog(0);
    const codec = createSafeStorageCodec({ safeStorage, dialog: yes, getWindow: noWindow });
    expect(sealSecret('plain-secret-value', codec)).toBe('plain-secret-value');
    expect(sealSecret('another-secret', codec)).toBe('another-secret');
    expect(yes.showMessageBoxSync).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(yes.showMessageBoxSync.mock.calls[0])).toContain('no encryption');
    expect(safeStorage.encryptString).not.toHaveBeenCalled();

    const no = createFakeDialog(1);
    const refusing = createSafeStorageCodec({ safeStorage, dialog: no, getWindow: noWindow });
    expect(() => sealSecret('plain-secret-value', refusing)).toThrow(/no encryption/);
  });
});
