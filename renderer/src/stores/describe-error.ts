// One sentence a person can act on, whatever was thrown.
import { ContractError } from '../../../shared/contract-client.js';

export function describeError(error: unknown): string {
  if (error instanceof ContractError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong. Try again.';
}
