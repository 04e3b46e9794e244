// The headless host's sign-in token: made at first start, kept in the data folder in a file only
// its owner can read (other users of a terminal server reach the loopback port too, and must not
// reach the token), and read back by `callrelay token`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const TOKEN_FILE_NAME = 'serve-token';

export function tokenFile(dataDir: string): string {
  return path.join(dataDir, TOKEN_FILE_NAME);
}

export class TokenFileError extends Error {}

function readToken(file: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TokenFileError(`Cannot read the token file ${file}: ${(error as Error).message}`);
  }
  if (!/^[A-Za-z0-9_-]{32,}$/.test(text)) {
    throw new TokenFileError(`The token file ${file} is damaged; delete it and start callrelay serve again.`);
  }
  return text;
}

/** Group- or world-readable: someone widened it; narrow it back rather than keep a shared secret. */
function keepOwnerOnly(file: string): void {
  if (process.platform === 'win32') return; // %APPDATA% is per-user; POSIX modes do not apply.
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
}

/** The stored token, made (owner-only, 0600) when there is none yet. */
export function loadOrCreateToken(dataDir: string): string {
  const file = tokenFile(dataDir);
  const existing = readToken(file);
  if (existing) {
    keepOwnerOnly(file);
    return existing;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const token = crypto.randomBytes(32).toString('base64url');
  try {
    // 'wx': two processes starting at once never overwrite each other's token.
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateToken(dataDir);
    throw new TokenFileError(`Cannot write the token file ${file}: ${(error as Error).message}`);
  }
  keepOwnerOnly(file);
  return token;
}
