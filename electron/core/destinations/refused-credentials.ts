// A 401/403 from a platform API means the job cannot succeed until a person fixes the settings;
// say so in the message the job shows, next to the server's own words.
import { PermanentError } from '../delivery-errors.js';
import { errorStatus } from '../http/http-client.js';

export async function explainRefusal<T>(platform: string, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const status = errorStatus(error);
    if (status === 401 || status === 403) {
      throw new PermanentError(
        `${platform} refused the credentials while trying to ${what} (${(error as Error).message}). ` +
          "Check this destination's credentials in Settings, then retry the job.",
        { status, cause: error },
      );
    }
    throw error;
  }
}
