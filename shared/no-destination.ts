// One wording for "this destination name matches none", used by the config check, the intake, the
// engine and the handlers, so a person reads the same words wherever a name is wrong.

/**
 * `no destination named "<name>"` followed by `tail` (what is wrong, then what to do).
 * `enabled`: the name may exist but is switched off. `sentence`: starts with a capital.
 */
export function noDestinationNamed(
  name: string,
  tail: string,
  options: { enabled?: boolean; sentence?: boolean } = {},
): string {
  const text = `no ${options.enabled ? 'enabled ' : ''}destination named "${name}"${tail}`;
  return options.sentence ? `N${text.slice(1)}` : text;
}
