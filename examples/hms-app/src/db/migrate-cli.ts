import { Client } from 'pg';
import { createLogger } from '../logging/logger';
import { migrateDown, migrateUp, pairMigrations, readMigrationFiles } from './migrate';

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
