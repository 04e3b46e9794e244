// Owns the config at runtime: loads it, resolves secret references, gives the renderer a masked
// view, and applies the settings form's changes (secrets write-only) back to the file. With a
// managed policy, the config in effect is the policy merged with the person's file (see
// managed-policy.ts); only the person's own layer is ever written back.
import fs from 'node:fs';
import {
  Config,
  type DestinationConfig,
  describeIssues,
  issueList,
  missingSecrets,
  type ConfigInput,
  type ProxySetting,
} from '../../../shared/config.js';
import type { DestinationInput, SettingsUpdate, SettingsView } from '../../../shared/contract.js';
import { HandlerError } from '../../../shared/contract-host.js';
import type { SecretHandling } from '../secrets/secret-handling.js';
import { SecretError } from '../secrets/secret-ref.js';
import { readPemFile, TrustFileError } from '../http/trust-store.js';
import { checkFolders, checkTemplates, ConfigError, parseConfig, writeConfigFile } from './load-config.js';
import { lockedPaths, mergePolicy, type Policy } from './managed-policy.js';
import type { PolicyState } from './policy-source.js';

/** A save the config refused: its problems without the file name, each by its field path. */
function refusedSave(error: unknown): HandlerError {
  if (error instanceof ConfigError) return new HandlerError('bad-input', error.detail, error.issues);
  return new HandlerError('bad-input', String(error));
}

export interface RuntimeConfig {
  /** The config as written (secrets as references). */
  raw(): Config;
  /** The config with every secret resolved, for building destinations. Never leaves the host. */
  resolved(): Config;
  view(): SettingsView;
  update(patch: SettingsUpdate): Config;
  /** Every resolved secret value, for log redaction. */
  secretValues(): string[];
  /**
   * Applies a changed policy. Throws ConfigError (and keeps the config in effect) when the
   * policy merged with the person's config is not a config that can run.
   */
  applyPolicy(): Config;
}

/** The person's config file as written (before defaults), checked; an absent file is empty. */
function readUserLayer(file: string): ConfigInput {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot be read: ${(error as Error).message}`, file);
  }
  parseConfig(text, file);
  return JSON.parse(text) as ConfigInput;
}

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type Auth = Record<string, string | Record<string, string>>;

/** What the renderer sees of a CDR database address written literally in the config. */
export const maskedCdrAddress = '•••• (stored)';

function mapAuth(auth: Auth, fn: (value: string, key: string) => string, prefix: string): Auth {
  const out: Auth = {};
  for (const [key, value] of Object.entries(auth)) {
    if (typeof value === 'string') out[key] = fn(value, `${prefix}.${key}`);
    else out[key] = mapAuth(value, fn, `${prefix}.${key}`) as Record<string, string>;
  }
  return out;
}

/** Same scheme, host and port; an unparsable URL counts as another origin. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Every stored secret emptied; tus header names are kept so the form can ask for their values. */
function blankSecrets(auth: Auth): Auth {
  return mapAuth(auth, () => '', 'auth');
}

function collect(auth: Auth, into: string[]): void {
  for (const value of Object.values(auth)) {
    if (typeof value === 'string') into.push(value);
    else collect(value, into);
  }
}

export function createRuntimeConfig(options: {
  file: string;
  secrets: SecretHandling;
  /** Demo and tests: start from this config instead of the file, still saving changes to it. */
  initial?: Config;
  checkFolderPaths?: boolean;
  /** The machine's managed policy as it is now (policy-source.ts); none when left out. */
  policy?: () => PolicyState;
}): RuntimeConfig {
  const { file, secrets } = options;
  const policyState = (): PolicyState => options.policy?.() ?? { policy: null, source: '', error: null };

  /** A proxy setting with its username and password resolved (env:NAME, safe:…). */
  function resolveProxy(proxy: ProxySetting | undefined, field: string, problems: string[]): ProxySetting | undefined {
    if (proxy === undefined || typeof proxy === 'string') return proxy;
    const out = { ...proxy };
    for (const key of ['username', 'password'] as const) {
      const value = proxy[key];
      if (value === undefined) continue;
      try {
        out[key] = secrets.resolve(value, `${field}.${key}`);
      } catch (error) {
        problems.push(`${field}.${key}: ${(error as Error).message}`);
      }
    }
    if ((out.username === undefined) !== (out.password === undefined)) {
      problems.push(`${field}: give both "username" and "password" for the proxy, or neither.`);
    }
    return out;
  }

  /** A caFile that cannot be read stops the start like a missing folder does, with its path. */
  function checkCaFile(file: string | undefined, field: string, problems: string[]): void {
    if (file === undefined) return;
    try {
      readPemFile(file, field);
    } catch (error) {
      if (!(error instanceof TrustFileError)) throw error;
      problems.push(error.message);
    }
  }

  function resolveAll(config: Config): Config {
    const problems: string[] = [];
    const proxy = resolveProxy(config.proxy, 'proxy', problems);
    checkCaFile(config.caFile, 'caFile', problems);
    const destinations = config.destinations.map((d, i) => {
      checkCaFile(d.caFile, `destinations.${i}.caFile`, problems);
      const destinationProxy = resolveProxy(d.proxy, `destinations.${i}.proxy`, problems);
      const auth = mapAuth(
        d.auth as Auth,
        (value, field) => {
          try {
            return secrets.resolve(value, field);
          } catch (error) {
            problems.push(`${field}: ${(error as Error).message}`);
            return '';
          }
        },
        `destinations.${i}.auth`,
      );
      return {
        ...d,
        auth,
        ...(destinationProxy !== undefined ? { proxy: destinationProxy } : {}),
      } as DestinationConfig;
    });
    const folders = config.folders.map((f, i) => {
      if (!f.cdr || !('mysql' in f.cdr)) return f;
      try {
        return { ...f, cdr: { ...f.cdr, mysql: secrets.resolve(f.cdr.mysql, `folders.${i}.cdr.mysql`) } };
      } catch (error) {
        problems.push(`folders.${i}.cdr.mysql: ${(error as Error).message}`);
        return f;
      }
    });
    if (problems.length > 0) throw new ConfigError(problems.join('\n'), file);
    return { ...config, destinations, folders, ...(proxy !== undefined ? { proxy } : {}) };
  }

  function load(config: Config): { raw: Config; resolved: Config } {
    if (options.checkFolderPaths !== false) checkFolders(config, file);
    checkTemplates(config, file);
    return { raw: config, resolved: resolveAll(config) };
  }

  /** The person's layer merged with the policy, checked as a whole. */
  function effective(user: ConfigInput, policy: Policy | null, source: string): Config {
    const parsed = Config.safeParse(mergePolicy(user, policy));
    if (parsed.success) return parsed.data;
    const where = policy ? `${file} with the policy from ${source}` : file;
    throw new ConfigError(describeIssues(parsed.error), where, issueList(parsed.error));
  }

  let user: ConfigInput = options.initial ?? readUserLayer(file);
  let state = load(effective(user, policyState().policy, policyState().source));

  /** Refuses a change to anything the policy enforces, naming the policy. */
  function checkLocked(patch: SettingsUpdate): void {
    const { policy, source } = policyState();
    if (!policy) return;
    const locked = new Set(lockedPaths(policy));
    const touched: string[] = [];
    for (const key of ['destinations', 'folders'] as const) if (patch[key] && locked.has(key)) touched.push(key);
    for (const key of ['bandwidth', 'concurrency', 'notifications'] as const) {
      for (const [field, value] of Object.entries(patch[key] ?? {})) {
        const current = (state.raw[key] as Record<string, unknown>)[field];
        if (locked.has(`${key}.${field}`) && !isEqual(value, current)) touched.push(`${key}.${field}`);
      }
    }
    if (touched.length > 0) {
      throw new HandlerError(
        'conflict',
        `Set by your organisation: ${touched.join(', ')} ${touched.length === 1 ? 'is' : 'are'} locked by the policy from ${source}. Ask your IT department to change it.`,
      );
    }
  }

  /** A folder sent back with the masked CDR address keeps the one stored for its path. */
  function keepCdrAddresses(folders: NonNullable<SettingsUpdate['folders']>): unknown[] {
    return folders.map((f) => {
      const cdr = f.cdr as { mysql?: string } | undefined;
      if (cdr?.mysql !== maskedCdrAddress) return f;
      const stored = state.raw.folders.find((r) => r.path === f.path)?.cdr;
      if (!stored || !('mysql' in stored)) {
        throw new HandlerError('bad-input', `folder ${f.path}: enter the CDR database address again`);
      }
      return { ...f, cdr: { ...cdr, mysql: stored.mysql } };
    });
  }

  function mergeDestination(input: DestinationInput): unknown {
    const existing = state.raw.destinations.find((d) => d.name === input.name && d.kind === input.kind);
    // A secret belongs to the address it was entered for: a page (or a slip) that points the
    // destination at another origin must not take the stored keys along.
    const moved = existing !== undefined && !sameOrigin(existing.baseUrl, input.baseUrl);
    const oldAuth = (moved ? blankSecrets(existing.auth as Auth) : (existing?.auth ?? {})) as Auth;
    const auth: Auth = { ...oldAuth };
    for (const [key, value] of Object.entries(input.auth ?? {})) {
      if (typeof value === 'string') {
        if (value !== '') auth[key] = secrets.store(value);
      } else {
        const old = (oldAuth[key] as Record<string, string> | undefined) ?? {};
        const merged: Record<string, string> = {};
        // A header map replaces the old one; an empty value keeps the stored header of that name.
        for (const [h, v] of Object.entries(value)) {
          if (v !== '') merged[h] = secrets.store(v);
          else if (old[h] !== undefined) merged[h] = old[h];
        }
        auth[key] = merged;
      }
    }
    const { auth: _ignored, ...rest } = input;
    const { awaitingSecrets: _was, ...kept } = existing ?? ({} as Partial<DestinationConfig>);
    const awaiting = missingSecrets({ auth }).length > 0 && (moved || existing?.awaitingSecrets === true);
    return { ...kept, ...rest, auth, ...(awaiting ? { awaitingSecrets: true } : {}) };
  }

  return {
    raw: () => state.raw,
    resolved: () => state.resolved,
    view() {
      const cfg = state.resolved;
      return {
        destinations: cfg.destinations.map((d) => ({
          name: d.name,
          kind: d.kind,
          baseUrl: d.baseUrl,
          defaults: d.defaults,
          concurrency: d.concurrency,
          enabled: d.enabled,
          ...(d.awaitingSecrets ? { awaitingSecrets: true } : {}),
          auth: Object.fromEntries(
            Object.entries(d.auth as Auth).map(([key, value]) => [
              key,
              typeof value === 'string'
                ? secrets.mask(value)
                : Object.fromEntries(Object.entries(value).map(([h, v]) => [h, secrets.mask(v)])),
            ]),
          ),
        })),
        // The CDR address may hold a database password: only an env: reference is shown as is.
        folders: state.raw.folders.map((f) =>
          f.cdr && 'mysql' in f.cdr && !f.cdr.mysql.startsWith('env:')
            ? { ...f, cdr: { ...f.cdr, mysql: maskedCdrAddress } }
            : f,
        ),
        bandwidth: cfg.bandwidth,
        concurrency: cfg.concurrency,
        notifications: cfg.notifications,
        ...(cfg.telemetry ? { telemetry: cfg.telemetry } : {}),
        source: file,
        policy: (() => {
          const { policy, source, error } = policyState();
          return policy || error ? { source, locked: policy ? lockedPaths(policy) : [], error } : null;
        })(),
      };
    },
    update(patch) {
      checkLocked(patch);
      let destinations: unknown[] | undefined;
      try {
        destinations = patch.destinations?.map((d) => mergeDestination(d));
      } catch (error) {
        // A secret that cannot be stored (no key store, refused plain text) is the person's to fix.
        if (error instanceof SecretError) throw new HandlerError('bad-input', error.message);
        throw error;
      }
      const { policy, source } = policyState();
      /** A section of the patch without the fields the policy locks (sent back unchanged). */
      const ownFields = (key: 'bandwidth' | 'concurrency' | 'notifications') => {
        if (!patch[key] || !policy) return {};
        const locked = new Set(lockedPaths(policy));
        const fields = Object.entries(patch[key]).filter(([field]) => !locked.has(`${key}.${field}`));
        return { [key]: { ...(user[key] ?? {}), ...Object.fromEntries(fields) } };
      };
      if (policy) {
        // Only the person's own layer is saved: enforced values must not outlive the policy.
        const nextUser: ConfigInput = {
          ...user,
          ...(destinations ? { destinations: destinations as never } : {}),
          ...(patch.folders ? { folders: patch.folders as never } : {}),
          ...ownFields('bandwidth'),
          ...ownFields('concurrency'),
          ...ownFields('notifications'),
        };
        let config: Config;
        try {
          config = effective(nextUser, policy, source);
          state = load(config);
        } catch (error) {
          throw refusedSave(error);
        }
        user = nextUser;
        writeConfigFile(file, nextUser);
        return config;
      }
      const next: ConfigInput = {
        ...state.raw,
        ...(destinations ? { destinations: destinations as never } : {}),
        ...(patch.folders ? { folders: keepCdrAddresses(patch.folders) as never } : {}),
        ...(patch.bandwidth ? { bandwidth: patch.bandwidth } : {}),
        ...(patch.concurrency ? { concurrency: patch.concurrency } : {}),
        ...(patch.notifications ? { notifications: patch.notifications } : {}),
        ...(patch.telemetry !== undefined ? { telemetry: patch.telemetry ?? undefined } : {}),
      };
      const parsed = Config.safeParse(next);
      if (!parsed.success) throw new HandlerError('bad-input', describeIssues(parsed.error), issueList(parsed.error));
      try {
        state = load(parsed.data);
      } catch (error) {
        throw refusedSave(error);
      }
      writeConfigFile(file, parsed.data);
      user = parsed.data;
      return parsed.data;
    },
    applyPolicy() {
      const { policy, source } = policyState();
      state = load(effective(user, policy, source));
      return state.raw;
    },
    secretValues() {
      const values: string[] = [];
      for (const d of state.resolved.destinations) {
        collect(d.auth as Auth, values);
        if (typeof d.proxy === 'object' && d.proxy.password) values.push(d.proxy.password);
      }
      const proxy = state.resolved.proxy;
      if (typeof proxy === 'object' && proxy.password) values.push(proxy.password);
      for (const f of state.resolved.folders) {
        if (!f.cdr || !('mysql' in f.cdr)) continue;
        values.push(f.cdr.mysql);
        try {
          const password = decodeURIComponent(new URL(f.cdr.mysql).password);
          if (password.length >= 4) values.push(password);
        } catch {
          // Not a URL: the whole value is redacted, and the lookup says what is wrong with it.
        }
      }
      return values.filter((v) => v.length > 0);
    },
  };
}
