// A logger wrapper that removes every known secret value from messages and logged objects, so a
// request dump, an error from a platform or a config echo can never write a key to disk.
// Known values are asked for on every call because settings change while the app runs. What is
// removed is secret-scrubbing.ts's policy.
import type { Logger } from '../logger.js';
import { redactText, redactVariants, secretVariants } from './secret-scrubbing.js';

export function createRedactingLogger(logger: Logger, getSecrets: () => readonly string[]): Logger {
  let lastInput: readonly string[] | null = null;
  let lastVariants: string[] = [];
  // getSecrets usually returns the same few values; recompute the variants only when they change.
  const current = (): string[] => {
    const secrets = getSecrets();
    if (lastInput === null || secrets.length !== lastInput.length || secrets.some((s, i) => s !== lastInput![i])) {
      lastInput = [...secrets];
      lastVariants = secretVariants(secrets);
    }
    return lastVariants;
  };
  const level =
    (name: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: object | string, msg?: string): void => {
      const secrets = current();
      const cleanObj = redactVariants(obj, secrets);
      if (msg === undefined) logger[name](cleanObj);
      else logger[name](cleanObj, redactText(msg, secrets));
    };
  return {
    debug: level('debug'),
    info: level('info'),
    warn: level('warn'),
    error: level('error'),
    child(bindings) {
      const clean = redactVariants(bindings, current());
      return createRedactingLogger(logger.child(clean), getSecrets);
    },
  };
}
