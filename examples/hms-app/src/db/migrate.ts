import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from './queryable';

/** Reads every *.sql file of directory into a map of file name to SQL text. */
export function readMigrationFiles(directory: string): Map<string, string> {
  const files = new Map<string, string>();
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the folder is set by the operator, not by a request
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.sql'))) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- file names come from the listing above
    files.set(file, readFileSync(join(directory, file), 'utf8'));
  }
  return files;
}

/** One schema change with its inverse. */
export interface Migration {
  /** Sortable version, the numeric prefix of the file name, such as "001". */
  version: string;
  name: string;
  up: string;
  down: string;
}

/** A client that can run a transaction; pg's PoolClient fits. */
export type MigrationClient = Queryable;

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.(up|down)\.sql$/;

/**
 * Pairs migration files by version. Every version needs both an "up" and a "down" file, named
 * NNN_name.up.sql and NNN_name.down.sql; any other name under the folder is an error.
 */
export function pairMigrations(files: ReadonlyMap<string, string>): Migration[] {
  const byVersion = new Map<string, { name: string; up?: string; down?: string }>();
  for (const [file, sql] of files) {
    const match = FILE_PATTERN.exec(file);
    if (match === null) {
      throw new Error(`invalid migration file name "${file}": expected NNN_name.up.sql or NNN_name.down.sql`);
    }
    const [, version = '', name = '', direction] = match;
    const entry = byVersion.get(version) ?? { name };
    if (entry.name !== name) {
      throw new Error(`migration ${version} has two names: "${entry.name}" and "${name}"`);
    }
    if (direction === 'up') {
      entry.up = sql;
    } else {
      entry.down = sql;
    }
    byVersion.set(version, entry);
  }
  return [...byVersion.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([version, entry]) => {
      if (entry.up === undefined || entry.down === undefined) {
        const missing = entry.up === undefined ? 'up' : 'down';
        throw new Error(`migration ${version}_${entry.name} has no ${missing} file`);
      }
      return { version, name: entry.name, up: entry.up, down: entry.down };
    });
}

async function appliedVersions(db: MigrationClient): Promise<string[]> {
  await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const result = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
  return result.rows.map((row) => row.version);
}

async function inTransaction(db: MigrationClient, label: string, work: () => Promise<void>): Promise<void> {
  await db.query('BEGIN');
  try {
    await work();
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw new Error(`migration ${label} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Applies every pending migration in version order, each in its own transaction. Returns the versions applied. */
export async function migrateUp(db: MigrationClient, migrations: readonly Migration[]): Promise<string[]> {
  const applied = new Set(await appliedVersions(db));
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) {
      continue;
    }
    await inTransaction(db, `${migration.version}_${migration.name} (up)`, async () => {
      await db.query(migration.up);
      await db.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
    });
    done.push(migration.version);
  }
  return done;
}

/** Reverts the newest `steps` applied migrations, newest first. Returns the versions reverted. */
export async function migrateDown(db: MigrationClient, migrations: readonly Migration[], steps: number): Promise<string[]> {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`invalid number of steps ${steps}: expected a whole number of at least 1`);
  }
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  const applied = (await appliedVersions(db)).reverse().slice(0, steps);
  const done: string[] = [];
  for (const version of applied) {
    const migration = byVersion.get(version);
    if (migration === undefined) {
      throw new Error(`applied migration ${version} has no file: cannot revert it`);
    }
    await inTransaction(db, `${migration.version}_${migration.name} (down)`, async () => {
      await db.query(migration.down);
      await db.query('DELETE FROM schema_migrations WHERE version = $1', [migration.version]);
    });
    done.push(version);
  }
  return done;
}
