import { describe, expect, it } from 'vitest';
import type { App, Session, WebContents } from 'electron';
import {
  guardWebContents,
  openExternalSafely,
  setupPermissionGuards,
  setupWebContentsGuards,
} from '../../../electron/main/web-contents-guards.js';
import { createFakeSession, createFakeShell, FakeApp, FakeEvent, FakeWebContents } from './electron-mock.js';

function guarded() {
  const contents = new FakeWebContents();
  const shell = createFakeShell();
  guardWebContents(contents as unknown as WebContents, shell);
  return { contents, shell };
}

describe('navigation guards', () => {
  it('cancels every navigation and sends http(s) links to the browser', () => {
    const { contents, shell } = guarded();
    const event = new FakeEvent();
    contents.emit('will-navigate', event, 'https://example.com/help');
    expect(event.defaultPrevented).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/help');
  });

  it('never hands other schemes to the OS', () => {
    const { contents, shell } = guarded();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'vscode://x']) {
      const event = new FakeEvent();
      contents.emit('will-navigate', event, url);
      expect(event.defaultPrevented).toBe(true);
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('cancels redirects, foreign frame navigations and webviews', () => {
    const { contents } = guarded();
    const redirect = new FakeEvent();
    contents.emit('will-redirect', redirect, 'https://evil.example/');
    expect(redirect.defaultPrevented).toBe(true);
    const frame = new FakeEvent('https://evil.example/');
    contents.emit('will-frame-navigate', frame);
    expect(frame.defaultPrevented).toBe(true);
    const webview = new FakeEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
  });

  it('denies every new window, opening only http(s) links outside', () => {
    const { contents, shell } = guarded();
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///C:/Windows/System32/calc.exe' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'app://callrelay/index.html' })).toEqual({ action: 'deny' });
    expect(shell.openExternal.mock.calls).toEqual([['https://example.com/']]);
  });

  it('guards every web contents the app creates', () => {
    const app = new FakeApp();
    const shell = createFakeShell();
    setupWebContentsGuards(app as unknown as App, shell);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler).not.toBeNull();
    const event = new FakeEvent();
    contents.emit('will-navigate', event, 'https://example.com/');
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('openExternalSafely', () => {
  it('refuses anything that is not http(s)', () => {
    const shell = createFakeShell();
    expect(openExternalSafely(shell, 'file:///etc/passwd')).toBe(false);
    expect(openExternalSafely(shell, 'javascript:void(0)')).toBe(false);
    expect(openExternalSafely(shell, 'https://user:pw@example.com')).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(openExternalSafely(shell, 'https://example.com/')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });
});

describe('permission guards', () => {
  it('denies every permission request and check', () => {
    const session = createFakeSession();
    setupPermissionGuards(session as unknown as Session);
    const request = session.setPermissionRequestHandler.mock.calls[0]![0] as (
      c: unknown,
      p: string,
      cb: (granted: boolean) => void,
    ) => void;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | null = null;
      request({}, permission, (g) => (granted = g));
      expect(granted).toBe(false);
    }
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;
    expect(check({}, 'media', 'app://callrelay')).toBe(false);
    const device = session.setDevicePermissionHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean;
    expect(device({ deviceType: 'usb' })).toBe(false);
  });
});
