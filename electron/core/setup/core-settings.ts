// The core's settings: the managed policy (watched while running) and the settings store over the
// config file. A policy that was never valid stops the start: starting without it would unlock
// what IT meant to lock.
import type { Config } from '../../../shared/config.js';
import { ConfigError } from '../config/load-config.js';
import { defaultPolicySource, watchPolicy, type PolicySource } from '../config/policy-source.js';
import { createRuntimeConfig, type RuntimeConfig } from '../config/runtime-config.js';
import type { Logger } from '../logger.js';
import type { SecretHandling } from '../secrets/secret-handling.js';

export type Settings = RuntimeConfig;
export type PolicyWatch = ReturnType<typeof watchPolicy>;

export function setupSettings(options: {
  file: string;
  secrets: SecretHandling;
  env: NodeJS.ProcessEnv;
  initialConfig?: Config;
  /** Left out: this OS's place for it (or CALLRELAY_POLICY_FILE); null: no policy. */
  policySource?: PolicySource | null;
  /** A policy holds secret references only, so its messages go to the host's logger as they are. */
  logger: Logger;
  /** The policy changed while running. */
  onPolicyChange(): void;
}): { settings: Settings; policy: PolicyWatch | null } {
  const source = options.policySource === undefined ? defaultPolicySource(options.env) : options.policySource;
  const policy = source ? watchPolicy({ source, logger: options.logger, onChange: options.onPolicyChange }) : null;
  const atStart = policy?.current();
  if (atStart?.error && !atStart.policy) {
    policy?.close();
    throw new ConfigError(`${atStart.error}\nFix the policy, then start CallRelay again.`, null);
  }
  try {
    const settings = createRuntimeConfig({
      file: options.file,
      secrets: options.secrets,
      initial: options.initialConfig,
      policy: policy?.current,
    });
    return { settings, policy };
  } catch (error) {
    policy?.close();
    throw error;
  }
}
