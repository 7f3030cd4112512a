import { join } from 'node:path';
import { migrateDown, migrateUp, pairMigrations, readMigrationFiles, type Migration } from '../../src/db/migrate';
import { FakeDb } from '../fake-db';

const MIGRATIONS: Migration[] = [
  { version: '001', name: 'patients', up: 'CREATE TABLE a (x int)', down: 'DROP TABLE a' },
  { version: '002', name: 'audit', up: 'CREATE TABLE b (x int)', down: 'DROP TABLE b' },
];

describe('pairMigrations', () => {
  it('pairs up and down files in version order', () => {
    const files = new Map([
      ['002_audit.down.sql', 'DROP TABLE b'],
      ['001_patients.up.sql', 'CREATE TABLE a (x int)'],
      ['002_audit.up.sql', 'CREATE TABLE b (x int)'],
      ['001_patients.down.sql', 'DROP TABLE a'],
    ]);
    expect(pairMigrations(files)).toEqual(MIGRATIONS);
  });

  it.each([
    [['1_x.up.sql'], 'invalid migration file name "1_x.up.sql"'],
    [['001_x.sql'], 'invalid migration file name "001_x.sql"'],
    [['001_x.up.sql'], 'migration 001_x has no down file'],
    [['001_x.down.sql'], 'migration 001_x has no up file'],
    [['001_x.up.sql', '001_y.down.sql'], 'migration 001 has two names: "x" and "y"'],
  ])('rejects %j', (names, message) => {
    expect(() => pairMigrations(new Map(names.map((name) => [name, 'SELECT 1'])))).toThrow(message);
  });

  it('reads and pairs the real migrations folder', () => {
    const migrations = pairMigrations(readMigrationFiles(join(__dirname, '..', '..', 'migrations')));
    expect(migrations.map((migration) => `${migration.version}_${migration.name}`)).toEqual(['001_patients', '002_audit_event']);
    for (const migration of migrations) {
      expect(migration.up).toMatch(/CREATE TABLE/);
      expect(migration.down).toMatch(/DROP TABLE/);
    }
  });
});

describe('migrateUp', () => {
  it('applies pending migrations, each in a transaction', async () => {
    const db = new FakeDb().answer([]).answer([{ version: '001' }]);
    expect(await migrateUp(db, MIGRATIONS)).toEqual(['002']);
    expect(db.texts().slice(2)).toEqual([
      'BEGIN',
      'CREATE TABLE b (x int)',
      'INSERT INTO schema_migrations (version) VALUES ($1)',
      'COMMIT',
    ]);
    expect(db.queries[4]?.values).toEqual(['002']);
  });

  it('rolls back and names the migration that failed', async () => {
    const db = new FakeDb();
    db.failOn = /CREATE TABLE a/;
    await expect(migrateUp(db, MIGRATIONS)).rejects.toThrow('migration 001_patients (up) failed and was rolled back: query failed');
    expect(db.texts().at(-1)).toBe('ROLLBACK');
  });

  it('wraps a non-Error failure', async () => {
    const db = new FakeDb();
    const query = db.query.bind(db);
    // A thrown string, not an Error, is what this test is about.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    db.query = (text, values) => (text.startsWith('CREATE TABLE a') ? Promise.reject('boom') : query(text, values));
    await expect(migrateUp(db, MIGRATIONS)).rejects.toThrow('failed and was rolled back: boom');
  });
});

describe('migrateDown', () => {
  it('reverts the newest migrations first', async () => {
    const db = new FakeDb().answer([]).answer([{ version: '001' }, { version: '002' }]);
    expect(await migrateDown(db, MIGRATIONS, 2)).toEqual(['002', '001']);
    expect(db.texts().filter((text) => text.startsWith('DROP'))).toEqual(['DROP TABLE b', 'DROP TABLE a']);
    expect(db.queries.filter((query) => query.text.startsWith('DELETE')).map((query) => query.values)).toEqual([['002'], ['001']]);
  });

  it('reverts one step', async () => {
    const db = new FakeDb().answer([]).answer([{ version: '001' }, { version: '002' }]);
    expect(await migrateDown(db, MIGRATIONS, 1)).toEqual(['002']);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects %d steps', async (steps) => {
    await expect(migrateDown(new FakeDb(), MIGRATIONS, steps)).rejects.toThrow(`invalid number of steps ${steps}`);
  });

  it('rejects an applied migration without a file', async () => {
    const db = new FakeDb().answer([]).answer([{ version: '009' }]);
    await expect(migrateDown(db, MIGRATIONS, 1)).rejects.toThrow('applied migration 009 has no file: cannot revert it');
  });
});
