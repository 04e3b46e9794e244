// Where the machine's policy comes from, and keeping it current while running. Each OS has its
// place: Windows Group Policy writes HKLM\Software\Policies\CallRelay (the ADMX template in
// resources/windows/), macOS MDM profiles land in /Library/Managed Preferences, Linux reads
// /etc/callrelay/policy.json. CALLRELAY_POLICY_FILE names a file instead (site servers, tests).
// A source is polled: a file by its text, the registry and managed preferences by their tool's
// output, so an atomic replace, a GPO refresh or a profile push are all picked up the same way.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { parsePolicy, PolicyError, type Policy } from './managed-policy.js';

export interface PolicySource {
  /** Names the policy in messages: a file path or a registry key. */
  readonly name: string;
  /** The policy as JSON text, or null when this machine has none. Throws when it cannot be read. */
  read(): string | null;
  readonly pollMs: number;
}

export function filePolicySource(file: string, pollMs = 2000): PolicySource {
  return {
    name: file,
    pollMs,
    read() {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
  };
}

export const WINDOWS_POLICY_KEY = 'HKLM\\Software\\Policies\\CallRelay';
/** Registry values that are booleans in the policy, written as DWORD 0/1 by the ADMX template. */
const BOOLEAN_VALUES = new Set(['notifications.reviewWaiting']);

/**
 * Turns `reg query <key> /s` output into policy JSON. Values live under the Enforced and
 * Recommended subkeys, one per setting, named by its path (`concurrency.global`); lists are JSON
 * text (`destinations`), numbers DWORDs, the rest strings.
 */
export function parseRegQuery(output: string): string | null {
  const policy: Record<string, Record<string, unknown>> = {};
  let part: string | null = null;
  for (const line of output.split(/\r?\n/)) {
    if (/^HKEY_/i.test(line)) {
      const last = line.trim().split('\\').pop()!.toLowerCase();
      part = last === 'enforced' || last === 'recommended' ? last : null;
      continue;
    }
    const match = /^\s+(\S+)\s+(REG_SZ|REG_EXPAND_SZ|REG_DWORD|REG_QWORD)\s+(.*)$/.exec(line);
    if (!match || !part) continue;
    const [, name, type, raw] = match as unknown as [string, string, string, string];
    let value: unknown = raw;
    if (type === 'REG_DWORD' || type === 'REG_QWORD') {
      const n = Number.parseInt(raw, 16);
      value = BOOLEAN_VALUES.has(name) ? n !== 0 : n;
    } else if (/^[[{]/.test(raw)) {
      value = JSON.parse(raw);
    }
    const [section, field] = name.split('.', 2) as [string, string | undefined];
    const target = (policy[part] ??= {});
    if (field) target[section] = { ...(target[section] as object | undefined), [field]: value };
    else target[section] = value;
  }
  return Object.keys(policy).length > 0 ? JSON.stringify(policy) : null;
}

/** Placed by the installer (`/POLICY=file`, resources/windows/installer.nsh). */
export const WINDOWS_POLICY_FILE = path.win32.join(
  process.env.ProgramData ?? 'C:\\ProgramData',
  'CallRelay',
  'policy.json',
);

/** Group Policy's registry key; when it holds nothing, the file the installer placed. */
export function windowsRegistrySource(
  query: () => string = defaultRegQuery,
  file: PolicySource = filePolicySource(WINDOWS_POLICY_FILE),
): PolicySource {
  return {
    name: `the registry key ${WINDOWS_POLICY_KEY} (or ${file.name})`,
    pollMs: 60_000,
    read: () => parseRegQuery(query()) ?? file.read(),
  };
}

function defaultRegQuery(): string {
  try {
    return execFileSync('reg', ['query', WINDOWS_POLICY_KEY, '/s'], { encoding: 'utf8', windowsHide: true });
  } catch {
    return ''; // reg exits 1 when the key does not exist: no policy.
  }
}

export const MAC_POLICY_FILE = '/Library/Managed Preferences/com.callrelay.desktop.plist';

export function macManagedPreferencesSource(file = MAC_POLICY_FILE): PolicySource {
  return {
    name: file,
    pollMs: 60_000,
    read() {
      if (!fs.existsSync(file)) return null;
      // A configuration profile's payload: keys `enforced` and `recommended`, as in policy.json.
      return execFileSync('plutil', ['-convert', 'json', '-o', '-', file], { encoding: 'utf8' });
    },
  };
}

export function defaultPolicySource(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): PolicySource {
  if (env.CALLRELAY_POLICY_FILE) return filePolicySource(env.CALLRELAY_POLICY_FILE);
  if (platform === 'win32') return windowsRegistrySource();
  if (platform === 'darwin') return macManagedPreferencesSource();
  return filePolicySource('/etc/callrelay/policy.json');
}

export interface PolicyState {
  /** The policy in effect: the last one that could be read and was valid. */
  policy: Policy | null;
  source: string;
  /** What is wrong with the policy as it is now, when it cannot be used. */
  error: string | null;
}

export interface PolicyWatch {
  current(): PolicyState;
  /** Reads the source again now; calls onChange when the effective policy or its error changed. */
  refresh(): void;
  close(): void;
}

/**
 * Reads the policy at start and whenever its text changes. A broken policy is reported (logged
 * and kept as `error`, naming the source) and the last good policy stays in effect: a typo in a
 * GPO must not unlock what IT locked.
 */
export function watchPolicy(options: {
  source: PolicySource;
  logger: Logger;
  onChange: (state: PolicyState) => void;
}): PolicyWatch {
  const { source, logger } = options;
  let lastText: string | null | undefined;
  let state: PolicyState = { policy: null, source: source.name, error: null };

  function load(): boolean {
    let text: string | null;
    try {
      text = source.read();
    } catch (error) {
      return fail(`cannot be read (${(error as Error).message})`);
    }
    if (text === lastText) return false;
    lastText = text;
    if (text === null) {
      const changed = state.policy !== null || state.error !== null;
      state = { policy: null, source: source.name, error: null };
      return changed;
    }
    try {
      state = { policy: parsePolicy(text, source.name), source: source.name, error: null };
      logger.info({ policy: source.name }, 'managed policy applied');
    } catch (error) {
      const message = error instanceof PolicyError ? error.message : String(error);
      state = { ...state, error: message };
      logger.error({ policy: source.name }, `${message}\nThe last valid policy stays in effect.`);
    }
    return true;
  }

  function fail(problem: string): boolean {
    const message = new PolicyError(problem, source.name).message;
    if (state.error === message) return false;
    lastText = undefined;
    state = { ...state, error: message };
    logger.error({ policy: source.name }, `${message}\nThe last valid policy stays in effect.`);
    return true;
  }

  load();
  const timer = setInterval(() => {
    if (load()) options.onChange(state);
  }, source.pollMs);
  timer.unref();

  return {
    current: () => state,
    refresh() {
      if (load()) options.onChange(state);
    },
    close: () => clearInterval(timer),
  };
}
