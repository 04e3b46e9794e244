// Reads and checks the config file. Every problem is reported at start with the field's path and
// what to do, so a bad config never half-starts: unknown kinds, missing folders, missing secrets.
import fs from 'node:fs';
import { Config, describeIssues, issueList, type ConfigInput } from '../../../shared/config.js';
import { checkTemplateSetting } from '../metadata/presets.js';

/** A refused setting by its path in the config (`folders.2.path`), for a form to show by its field. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  /** The problems without the file name in front: what a settings form shows. */
  readonly detail: string;
  constructor(
    message: string,
    readonly file: string | null,
    readonly issues: ConfigIssue[] = [],
  ) {
    super(file ? `Config ${file}:\n${message}` : message);
    this.name = 'ConfigError';
    this.detail = message;
  }
}

/** One ConfigError for several issues: one line each, `path: message`. */
function configError(issues: ConfigIssue[], file: string | null): ConfigError {
  return new ConfigError(issues.map((i) => `${i.path}: ${i.message}`).join('\n'), file, issues);
}

/** Parses config text. An absent file is an empty config (the person adds destinations in the UI). */
export function parseConfig(text: string, file: string | null): Config {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`not valid JSON (${(error as Error).message}); check commas and quotes.`, file);
  }
  const parsed = Config.safeParse(json);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error), file, issueList(parsed.error));
  checkTemplates(parsed.data, file);
  return parsed.data;
}

/** A folder template that is a typo of a preset would silently never match: refuse it. */
export function checkTemplates(config: Config, file: string | null): void {
  const problems: ConfigIssue[] = [];
  config.folders.forEach((folder, i) => {
    const problem = folder.template === undefined ? null : checkTemplateSetting(folder.template);
    if (problem) problems.push({ path: `folders.${i}.template`, message: problem });
  });
  if (problems.length > 0) throw configError(problems, file);
}

export function readConfigFile(file: string): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Config.parse({});
    throw new ConfigError(`cannot be read: ${(error as Error).message}`, file);
  }
  return parseConfig(text, file);
}

/** Problems that depend on the machine rather than the file's shape. */
export function checkFolders(config: Config, file: string | null): void {
  const problems: ConfigIssue[] = [];
  config.folders.forEach((folder, i) => {
    const path = `folders.${i}.path`;
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(folder.path);
    } catch {
      problems.push({ path, message: `the folder "${folder.path}" does not exist; create it or fix the path.` });
      return;
    }
    if (!stat.isDirectory()) problems.push({ path, message: `"${folder.path}" is a file, not a folder.` });
  });
  if (problems.length > 0) throw configError(problems, file);
}

/** Writes atomically (temp file + rename) so a crash never leaves half a config; owner-only. */
export function writeConfigFile(file: string, config: ConfigInput): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
