import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkFolders,
  ConfigError,
  parseConfig,
  readConfigFile,
  writeConfigFile,
} from '../../../electron/core/config/load-config.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-config-'));
afterEach(() => fs.rmSync(path.join(tmp, 'c.json'), { force: true }));

const comswise = {
  name: 'main',
  kind: 'comswise' as const,
  baseUrl: 'https://api.comswise.in/v1',
  auth: { token: 'env:T' },
};

describe('config file', () => {
  it('accepts the README example and fills defaults', () => {
    const cfg = parseConfig(
      JSON.stringify({
        destinations: [comswise],
        folders: [{ path: tmp, destination: 'main', template: 'freepbx', timezone: 'Asia/Kolkata', region: 'IN' }],
      }),
      'c.json',
    );
    expect(cfg.folders[0]?.quietPeriodMs).toBe(3000);
    expect(cfg.concurrency).toEqual({ global: 4, perDestination: 2 });
  });

  it('names an unknown destination kind', () => {
    expect(() => parseConfig(JSON.stringify({ destinations: [{ ...comswise, kind: 'ftp' }] }), 'c.json')).toThrow(
      /destinations\.0\.kind/,
    );
  });

  it('names a folder pointing at a destination that does not exist', () => {
    const text = JSON.stringify({ destinations: [comswise], folders: [{ path: tmp, destination: 'other' }] });
    expect(() => parseConfig(text, 'c.json')).toThrow(/folders\.0\.destination: no destination named "other"/);
  });

  it('names the wrong auth field for a kind', () => {
    const text = JSON.stringify({ destinations: [{ ...comswise, kind: 'cx', auth: { token: 'x' } }] });
    expect(() => parseConfig(text, 'c.json')).toThrow(/destinations\.0\.auth/);
  });

  it('refuses a template that is a typo of a preset, naming the preset it meant', () => {
    const text = JSON.stringify({
      destinations: [comswise],
      folders: [{ path: tmp, destination: 'main', template: 'freepxb' }],
    });
    expect(() => parseConfig(text, 'c.json')).toThrow(ConfigError);
    expect(() => parseConfig(text, 'c.json')).toThrow(
      /folders\.0\.template: "freepxb" is neither a preset nor a template with a field in braces; did you mean freepbx\?/,
    );
    const custom = JSON.stringify({
      destinations: [comswise],
      folders: [{ path: tmp, destination: 'main', template: 'rec-{callId}' }],
    });
    expect(parseConfig(custom, 'c.json').folders[0]?.template).toBe('rec-{callId}');
  });

  it('reports broken JSON as such', () => {
    expect(() => parseConfig('{"destinations": [', 'c.json')).toThrow(ConfigError);
    expect(() => parseConfig('{"destinations": [', 'c.json')).toThrow(/not valid JSON/);
  });

  it('reports a folder that does not exist', () => {
    const cfg = parseConfig(
      JSON.stringify({ destinations: [comswise], folders: [{ path: path.join(tmp, 'missing'), destination: 'main' }] }),
      'c.json',
    );
    expect(() => checkFolders(cfg, 'c.json')).toThrow(/folders\.0\.path: the folder ".*missing" does not exist/);
  });

  it('treats an absent file as an empty config and round-trips a written one', () => {
    const file = path.join(tmp, 'c.json');
    expect(readConfigFile(file).destinations).toEqual([]);
    writeConfigFile(file, { destinations: [comswise] });
    expect(readConfigFile(file).destinations[0]?.name).toBe('main');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o077).toBe(0);
  });
});
