// The only form of a secret that may reach the renderer: whether it is set, and its last four
// characters when it is long enough that four characters give nothing useful away.
import type { MaskedSecret } from '../../../shared/contract.js';

export const HINT_MIN_LENGTH = 12;

export function maskSecret(plain: string | null | undefined): MaskedSecret {
  if (!plain) return { set: false, hint: null };
  return { set: true, hint: plain.length >= HINT_MIN_LENGTH ? plain.slice(-4) : null };
}
