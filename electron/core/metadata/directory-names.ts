// Which sidecars and manifests a recording's folder holds, from one listing of that folder instead
// of six failed look-ups per recording (`<name>.json`, `<name>.wav.json`, the two XML names and
// the two manifest names): for a site catching up on a year of recordings, those look-ups were a
// fifth of the intake. A listing is kept while the folder's modification time is unchanged, which
// the file system moves on every file added, removed or renamed in it.
//
// A listing is only taken, and only trusted, when the folder last changed a while before
// (`settleMs`): a file system stamps times in ticks (4 ms on ext4, 2 s on FAT), so a sidecar
// written in the same tick as the listing would leave the time as it was and be missed. A folder
// that changed recently (a recorder writing into today's folder) is not listed; each recording
// there is looked up name by name, as before. Names are kept lower-cased, so on a case-insensitive
// disk a sidecar spelt `CALL.JSON` is still looked for; a name listed is always read for real.
import { readdir, stat } from 'node:fs/promises';

const MAX_FOLDERS = 10_000;

/** The names asked about end so (sidecars.ts: `.json`, `.xml`, and the `.csv` manifests). */
const keptExtensions = ['.json', '.xml', '.csv'];

export interface DirectoryNames {
  /**
   * The folder's sidecar and manifest names (`.json`, `.xml`, `.csv`), lower-cased, or null when
   * they must be looked up one by one.
   */
  names(dir: string): Promise<ReadonlySet<string> | null>;
}

export interface DirectoryNamesOptions {
  /** How long a folder must have been unchanged for its listing to be trusted; default 5 s. */
  settleMs?: number;
  /** Names kept across all folders at most; the oldest folders are forgotten first. */
  maxNames?: number;
  /** How long a look at the folder's time is reused; default 250 ms. */
  recheckMs?: number;
  /** Compared with the file system's own times, so the wall clock (tests move it). */
  now?: () => number;
}

export function createDirectoryNames(options: DirectoryNamesOptions = {}): DirectoryNames {
  const settleMs = options.settleMs ?? 5000;
  const maxNames = options.maxNames ?? 200_000;
  const now = options.now ?? Date.now;
  const recheckMs = options.recheckMs ?? 250;
  const listings = new Map<string, { mtimeMs: number; names: Set<string> }>();
  let kept = 0;
  // The folder's time as last looked at, reused for a moment: recordings of one folder are read
  // in bursts, and one look per burst tells as much as one per recording (a sidecar written in
  // that moment is as early or late as one written just after its recording was read).
  const lookedAt = new Map<string, { at: number; mtimeMs: number }>();

  function keep(dir: string, listing: { mtimeMs: number; names: Set<string> }): void {
    const old = listings.get(dir);
    if (old) {
      kept -= old.names.size;
      listings.delete(dir);
    }
    if (listing.names.size > maxNames) return;
    listings.set(dir, listing);
    kept += listing.names.size;
    for (const [key, value] of listings) {
      // Folders without sidecars keep no names, so their number is bounded too.
      if (kept <= maxNames && listings.size <= MAX_FOLDERS) break;
      listings.delete(key);
      kept -= value.names.size;
    }
  }

  return {
    async names(dir) {
      let mtimeMs: number;
      const looked = lookedAt.get(dir);
      if (looked && now() - looked.at < recheckMs) mtimeMs = looked.mtimeMs;
      else {
        try {
          mtimeMs = (await stat(dir)).mtimeMs;
        } catch {
          return null;
        }
        if (lookedAt.size > 1000) lookedAt.clear();
        lookedAt.set(dir, { at: now(), mtimeMs });
      }
      const cached = listings.get(dir);
      if (cached && cached.mtimeMs === mtimeMs) return cached.names;
      // A time in the future (another machine's clock on a share) is never old enough.
      if (now() - mtimeMs < settleMs) return null;
      let entries: string[];
      try {
        entries = await readdir(dir);
      } catch {
        return null;
      }
      // Changed while it was listed: the listing may be half of either state.
      const after = await stat(dir).catch(() => null);
      if (!after || after.mtimeMs !== mtimeMs) return null;
      // Only what a sidecar or a manifest can be named: a folder of 1,000 recordings and no
      // sidecars keeps an empty set, not 1,000 names.
      const names = new Set<string>();
      for (const entry of entries) {
        const lower = entry.toLowerCase();
        if (keptExtensions.some((ext) => lower.endsWith(ext))) names.add(lower);
      }
      keep(dir, { mtimeMs, names });
      return names;
    },
  };
}
