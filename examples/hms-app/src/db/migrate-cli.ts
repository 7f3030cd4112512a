import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createLogger } from '../logging/logger';
import { migrateDown, migrateUp, pairMigrations } from './migrate';

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

/** Runs "up" or "down [steps]" against DATABASE_URL with the files of MIGRATIONS_DIR (default "migrations"). */
async function main(argv: string[]): Promise<void> {
  const logger = createLogger();
  const [command = 'up', stepsArg = '1'] = argv;
  if (command !== 'up' && command !== 'down') {
    throw new Error(`unknown command "${command}": expected "up" or "down [steps]"`);
  }
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl === undefined || databaseUrl === '') {
    throw new Error('missing environment variable DATABASE_URL');
  }
  const migrations = pairMigrations(readMigrationFiles(process.env['MIGRATIONS_DIR'] ?? 'migrations'));
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const versions = command === 'up' ? await migrateUp(client, migrations) : await migrateDown(client, migrations, Number(stepsArg));
    logger.info(`migrate ${command} finished`, { versions });
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    createLogger().error('migration failed', { error: err });
    process.exitCode = 1;
  });
}
