// Who answers at an extension. On a site server many agents' recordings share one folder, so a
// folder default cannot say who took each call; the extension in the name (or in the PBX's call
// record) can, through this directory: a map in the config or a CSV file, re-read when it changes.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { AgentDirectoryConfig, AgentEntry } from '../../../shared/config.js';

export type AgentLookup =
  | { found: true; agent: AgentEntry; label: string }
  | { found: false; label: string; error?: string | undefined };

export interface AgentDirectory {
  /** Where the entries come from, for messages ("agents.csv", "the folder's agent map"). */
  readonly label: string;
  lookup(extension: string): Promise<AgentLookup>;
}

const columnAliases: Record<string, keyof AgentEntry | 'extension'> = {
  extension: 'extension',
  ext: 'extension',
  exten: 'extension',
  extensionid: 'extension',
  agentid: 'agentId',
  agent: 'agentId',
  userid: 'userId',
  user: 'userId',
  name: 'name',
  agentname: 'name',
  displayname: 'name',
};

function columnKey(header: string): keyof AgentEntry | 'extension' | undefined {
  return columnAliases[header.toLowerCase().replace(/[\s_-]/g, '')];
}

function readCsv(text: string, label: string): Map<string, AgentEntry> {
  const rows = parseCsv(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
  }) as string[][];
  const [header, ...body] = rows;
  const keys = (header ?? []).map(columnKey);
  const extColumn = keys.indexOf('extension');
  if (extColumn < 0) {
    throw new Error(
      `${label} has no "extension" column; its first row must name the columns (extension,agentId,userId,name)`,
    );
  }
  const entries = new Map<string, AgentEntry>();
  for (const row of body) {
    const extension = row[extColumn]?.trim();
    if (!extension) continue;
    const entry: AgentEntry = {};
    keys.forEach((key, i) => {
      const value = row[i]?.trim();
      if (key && key !== 'extension' && value) entry[key] = value;
    });
    entries.set(extension, entry);
  }
  return entries;
}

/** A CSV directory: looked at again (size and mtime) on every lookup, re-read when it changed. */
function createCsvDirectory(file: string): AgentDirectory {
  const label = path.basename(file);
  let cached: { size: number; mtimeMs: number; entries: Map<string, AgentEntry> } | null = null;
  let reading: Promise<Map<string, AgentEntry>> | null = null;

  async function entries(): Promise<Map<string, AgentEntry>> {
    const s = await fs.stat(file);
    if (cached && cached.size === s.size && cached.mtimeMs === s.mtimeMs) return cached.entries;
    reading ??= fs
      .readFile(file, 'utf8')
      .then((text) => {
        const parsed = readCsv(text, label);
        cached = { size: s.size, mtimeMs: s.mtimeMs, entries: parsed };
        return parsed;
      })
      .finally(() => (reading = null));
    return reading;
  }

  return {
    label,
    async lookup(extension) {
      try {
        const agent = (await entries()).get(extension);
        return agent ? { found: true, agent, label } : { found: false, label };
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        const why = e.code === 'ENOENT' ? 'does not exist' : `cannot be read (${e.message})`;
        return { found: false, label, error: `the agent directory ${file} ${why}` };
      }
    },
  };
}

function createMapDirectory(map: Record<string, AgentEntry>, label: string): AgentDirectory {
  const entries = new Map(Object.entries(map));
  return {
    label,
    lookup: async (extension) => {
      const agent = entries.get(extension);
      return agent ? { found: true, agent, label } : { found: false, label };
    },
  };
}

/** One directory from its config; a relative CSV path is taken from `baseDir` (the config's folder). */
export function createAgentDirectory(config: AgentDirectoryConfig, baseDir: string, label: string): AgentDirectory {
  return typeof config === 'string'
    ? createCsvDirectory(path.resolve(baseDir, config))
    : createMapDirectory(config, label);
}

/** The folder's directory first, then the global one: the first that knows the extension wins. */
export function chainDirectories(directories: AgentDirectory[]): AgentDirectory | null {
  if (directories.length === 0) return null;
  if (directories.length === 1) return directories[0] as AgentDirectory;
  return {
    label: directories.map((d) => d.label).join(' or '),
    async lookup(extension) {
      const errors: string[] = [];
      for (const directory of directories) {
        const result = await directory.lookup(extension);
        if (result.found) return result;
        if (result.error) errors.push(result.error);
      }
      return { found: false, label: this.label, ...(errors.length > 0 ? { error: errors.join('; ') } : {}) };
    },
  };
}
