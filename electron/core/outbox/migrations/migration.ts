// One numbered schema migration: its number is the `PRAGMA user_version` it leaves behind.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
