import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PgAuditStore } from '../../src/audit/audit';
import { migrateDown, migrateUp, pairMigrations, readMigrationFiles } from '../../src/db/migrate';
import { PgObservationRepository } from '../../src/observations/repository';
import { PgPatientRepository, VersionConflictError } from '../../src/patients/repository';
import { NOW, sampleObservation, samplePatient } from '../helpers';

// Runs against a real PostgreSQL when HMS_TEST_DATABASE_URL names a database that the test may
// wipe (its public schema is dropped first). Without it the suite is skipped.
const databaseUrl = process.env['HMS_TEST_DATABASE_URL'];
const describeWithDatabase = databaseUrl === undefined || databaseUrl === '' ? describe.skip : describe;

const ROOT = join(__dirname, '..', '..');
const ALICE_ID = '3f2b8c1e-5a47-4d0e-9b61-0c1d2e3f4a01';

describeWithDatabase('PostgreSQL adapters', () => {
  let pool: Pool;
  const migrations = pairMigrations(readMigrationFiles(join(ROOT, 'migrations')));
  const now = (): Date => NOW;

  beforeAll(async () => {
    pool = new Pool({ connectionString: databaseUrl, max: 2 });
    await pool.query('DROP SCHEMA public CASCADE');
    await pool.query('CREATE SCHEMA public');
  });

  afterAll(async () => {
    await pool.end();
  });

  it('applies every migration once', async () => {
    expect(await migrateUp(pool, migrations)).toEqual(['001', '002']);
    expect(await migrateUp(pool, migrations)).toEqual([]);
  });

  it('loads the seed data', async () => {
    await pool.query(readFileSync(join(ROOT, 'db', 'seed.sql'), 'utf8'));
    const result = await pool.query<{ count: string }>('SELECT count(*) FROM patient');
    expect(result.rows[0]?.count).toBe('3');
  });

  it('reads and searches seeded patients', async () => {
    const patients = new PgPatientRepository(pool, now);
    expect((await patients.get(ALICE_ID))?.name?.[0]?.family).toBe('Testpatient');
    expect((await patients.search({ name: 'testp', limit: 10 })).map((patient) => patient.id)).toEqual([ALICE_ID]);
    expect((await patients.search({ name: 'mar', limit: 10 })).map((patient) => patient.id)).toEqual([]);
    expect((await patients.search({ identifier: 'MRN-100002', limit: 10 })).map((patient) => patient.name?.[0]?.family)).toEqual([
      'Sampleton',
    ]);
    expect(await patients.search({ name: '%', limit: 10 })).toEqual([]);
  });

  it('creates and updates a patient with optimistic locking', async () => {
    const patients = new PgPatientRepository(pool, now);
    await patients.create({ ...samplePatient(), id: 'pg-patient-1' });
    const updated = await patients.update('pg-patient-1', { ...samplePatient(), active: false }, 1);
    expect(updated?.meta?.versionId).toBe('2');
    expect((await patients.get('pg-patient-1'))?.active).toBe(false);
    await expect(patients.update('pg-patient-1', samplePatient(), 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await patients.update('pg-none', samplePatient())).toBeUndefined();
    await patients.ping();
  });

  it('stores and searches observations', async () => {
    const observations = new PgObservationRepository(pool, now);
    await observations.create({ ...sampleObservation(), id: 'pg-obs-1', subject: { reference: 'Patient/pg-patient-1' } });
    expect((await observations.get('pg-obs-1'))?.status).toBe('final');
    expect(await observations.search({ patientId: 'pg-patient-1', code: '8867-4', limit: 5 })).toHaveLength(1);
    expect(await observations.search({ patientId: 'pg-patient-1', code: '8310-5', limit: 5 })).toHaveLength(0);
    expect(await observations.search({ patientId: ALICE_ID, limit: 5 })).toHaveLength(2);
  });

  it('rejects an observation of an unknown patient', async () => {
    const observations = new PgObservationRepository(pool, now);
    await expect(observations.create({ ...sampleObservation(), id: 'pg-obs-2', subject: { reference: 'Patient/ghost' } })).rejects.toThrow(
      /foreign key/,
    );
  });

  it('keeps the audit trail append-only', async () => {
    const store = new PgAuditStore(pool);
    await store.record({
      time: NOW.toISOString(),
      requestId: 'req-pg-1',
      actorId: 'user-1',
      actorRole: 'nurse',
      action: 'read',
      resourceType: 'Patient',
      resourceId: ALICE_ID,
      patientId: ALICE_ID,
      outcome: 'success',
    });
    const events = await store.list({ patientId: ALICE_ID, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]?.time).toBe(NOW.toISOString());
    await expect(pool.query("UPDATE audit_event SET outcome = 'denied'")).rejects.toThrow(
      'audit_event is append-only: UPDATE is not allowed',
    );
    await expect(pool.query('DELETE FROM audit_event')).rejects.toThrow('audit_event is append-only: DELETE is not allowed');
    await expect(pool.query('TRUNCATE audit_event')).rejects.toThrow('audit_event is append-only: TRUNCATE is not allowed');
  });

  it('reverts every migration and applies them again', async () => {
    expect(await migrateDown(pool, migrations, 2)).toEqual(['002', '001']);
    const tables = await pool.query<{ name: string | null }>(
      "SELECT to_regclass('patient')::text AS name UNION ALL SELECT to_regclass('audit_event')::text",
    );
    expect(tables.rows.map((row) => row.name)).toEqual([null, null]);
    expect(await migrateUp(pool, migrations)).toEqual(['001', '002']);
  });
});
