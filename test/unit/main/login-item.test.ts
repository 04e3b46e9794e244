import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from 'electron';
import { autostartEntry, createLoginItem, HIDDEN_ARG } from '../../../electron/main/login-item.js';
import { FakeApp } from './electron-mock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('start at login', () => {
  it('on Linux writes and removes an XDG autostart entry that starts hidden', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-home-'));
    dirs.push(home);
    const item = createLoginItem({
      app: new FakeApp() as unknown as App,
      platform: 'linux',
      env: {},
      home,
      executable: '/opt/Call Relay/callrelay',
    });
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    const file = path.join(home, '.config', 'autostart', 'callrelay.desktop');
    expect(fs.readFileSync(file, 'utf8')).toContain(`Exec="/opt/Call Relay/callrelay" ${HIDDEN_ARG}`);
    expect(item.isEnabled()).toBe(true);
    item.setEnabled(false);
    expect(fs.existsSync(file)).toBe(false);
    expect(item.isEnabled()).toBe(false);
  });

  it('on Windows and macOS uses the OS setting with the hidden flag', () => {
    const app = new FakeApp();
    const item = createLoginItem({ app: app as unknown as App, platform: 'win32' });
    item.setEnabled(true);
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: [HIDDEN_ARG] });
    expect(item.isEnabled()).toBe(true);
  });

  it('quotes executables with special characters', () => {
    expect(autostartEntry('/usr/bin/callrelay')).toContain(`Exec=/usr/bin/callrelay ${HIDDEN_ARG}`);
    expect(autostartEntry('/home/a$b/x')).toContain('Exec="/home/a\\$b/x"');
  });
});
