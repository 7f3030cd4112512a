import { MemoryPatientRepository, PgPatientRepository, VersionConflictError, escapeLike, withMeta } from '../../src/patients/repository';
import type { Patient } from '../../src/fhir/types';
import { FakeDb } from '../fake-db';
import { NOW, samplePatient } from '../helpers';

const now = (): Date => NOW;

function stored(id: string, version: number, patient: Patient = samplePatient()): Patient {
  return withMeta(patient, id, version, NOW);
}

describe('escapeLike', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
    expect(escapeLike('plain')).toBe('plain');
  });
});

describe('withMeta', () => {
  it('sets id and meta without changing the input', () => {
    const input = samplePatient();
    expect(withMeta(input, 'p1', 3, NOW)).toMatchObject({ id: 'p1', meta: { versionId: '3', lastUpdated: NOW.toISOString() } });
    expect(input.id).toBeUndefined();
  });
});

describe('PgPatientRepository', () => {
  it('gets a patient by id', async () => {
    const db = new FakeDb().answer([{ resource: stored('p1', 1) }]);
    const repository = new PgPatientRepository(db, now);
    expect(await repository.get('p1')).toMatchObject({ id: 'p1' });
    expect(db.queries[0]?.values).toEqual(['p1']);
    expect(await repository.get('p2')).toBeUndefined();
  });

  it('searches by escaped name prefix and identifier', async () => {
    const db = new FakeDb().answer([{ resource: stored('p1', 1) }]);
    const repository = new PgPatientRepository(db, now);
    expect(await repository.search({ name: 'Te_st', identifier: 'MRN-1', limit: 5 })).toHaveLength(1);
    expect(db.texts()[0]).toContain('lower(family) LIKE lower($1)');
    expect(db.queries[0]?.values).toEqual(['Te\\_st%', 'MRN-1', 5]);
    await repository.search({ limit: 2 });
    expect(db.queries[1]?.values).toEqual([null, null, 2]);
  });

  it('creates a patient with search columns and version 1', async () => {
    const db = new FakeDb();
    const created = await new PgPatientRepository(db, now).create({ ...samplePatient(), id: 'p1' });
    expect(created.meta).toEqual({ versionId: '1', lastUpdated: NOW.toISOString() });
    expect(db.texts()[0]).toContain('INSERT INTO patient');
    expect(db.queries[0]?.values).toEqual(['p1', 'Testpatient', 'Dana', ['MRN-200001'], created, NOW.toISOString()]);
  });

  it('stores null search columns for a patient without name or identifier', async () => {
    const db = new FakeDb();
    await new PgPatientRepository(db, now).create({ resourceType: 'Patient', id: 'p2', identifier: [{ system: 'urn:x:y' }] });
    expect(db.queries[0]?.values?.slice(0, 4)).toEqual(['p2', null, null, []]);
  });

  it('updates with optimistic locking', async () => {
    const db = new FakeDb().answer([{ resource: stored('p1', 2), version_id: 2 }]).answer([], 1);
    const updated = await new PgPatientRepository(db, now).update('p1', { ...samplePatient(), active: false }, 2);
    expect(updated?.meta?.versionId).toBe('3');
    expect(db.texts()[1]).toContain('WHERE id = $1 AND version_id = $8');
    expect(db.queries[1]?.values?.[5]).toBe(3);
    expect(db.queries[1]?.values?.[7]).toBe(2);
  });

  it('updates without If-Match', async () => {
    const db = new FakeDb().answer([{ resource: stored('p1', 4), version_id: 4 }]).answer([], 1);
    expect((await new PgPatientRepository(db, now).update('p1', samplePatient()))?.meta?.versionId).toBe('5');
  });

  it('returns undefined when updating an unknown patient', async () => {
    const db = new FakeDb();
    expect(await new PgPatientRepository(db, now).update('nobody', samplePatient())).toBeUndefined();
    expect(db.queries).toHaveLength(1);
  });

  it('raises a conflict for a stale expected version', async () => {
    const db = new FakeDb().answer([{ resource: stored('p1', 2), version_id: 2 }]);
    await expect(new PgPatientRepository(db, now).update('p1', samplePatient(), 1)).rejects.toThrow(
      'version conflict: expected version 1, current version is 2',
    );
  });

  it('raises a conflict when another writer wins the race', async () => {
    const db = new FakeDb().answer([{ resource: stored('p1', 2), version_id: 2 }]).answer([], 0);
    await expect(new PgPatientRepository(db, now).update('p1', samplePatient())).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('pings the database and uses the system clock by default', async () => {
    const db = new FakeDb();
    const repository = new PgPatientRepository(db);
    await repository.ping();
    expect(db.texts()).toEqual(['SELECT 1']);
    const created = await repository.create({ ...samplePatient(), id: 'p1' });
    expect(Date.parse(created.meta?.lastUpdated ?? '')).toBeGreaterThan(NOW.getTime() - 10 * 365 * 24 * 3600 * 1000);
  });
});

describe('MemoryPatientRepository', () => {
  it('creates, gets and rejects duplicates', async () => {
    const repository = new MemoryPatientRepository(now);
    await repository.create({ ...samplePatient(), id: 'p1' });
    expect((await repository.get('p1'))?.meta?.versionId).toBe('1');
    await expect(repository.create({ ...samplePatient(), id: 'p1' })).rejects.toThrow('patient p1 already exists');
  });

  it('searches by family or given prefix, identifier and limit', async () => {
    const repository = new MemoryPatientRepository(now);
    await repository.create({ ...samplePatient(), id: 'p1' });
    await repository.create({ resourceType: 'Patient', id: 'p2', name: [{ family: 'Other', given: ['Testa'] }] });
    await repository.create({ resourceType: 'Patient', id: 'p3' });
    expect((await repository.search({ name: 'TEST', limit: 10 })).map((patient) => patient.id)).toEqual(['p1', 'p2']);
    expect((await repository.search({ name: 'dan', limit: 10 })).map((patient) => patient.id)).toEqual(['p1']);
    expect((await repository.search({ identifier: 'MRN-200001', limit: 10 })).map((patient) => patient.id)).toEqual(['p1']);
    expect((await repository.search({ name: 'test', identifier: 'none', limit: 10 })).map((patient) => patient.id)).toEqual([]);
    expect(await repository.search({ limit: 1 })).toHaveLength(1);
  });

  it('updates with optimistic locking', async () => {
    const repository = new MemoryPatientRepository(now);
    await repository.create({ ...samplePatient(), id: 'p1' });
    expect((await repository.update('p1', samplePatient(), 1))?.meta?.versionId).toBe('2');
    expect((await repository.update('p1', samplePatient()))?.meta?.versionId).toBe('3');
    await expect(repository.update('p1', samplePatient(), 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await repository.update('p9', samplePatient())).toBeUndefined();
  });

  it('treats a patient without meta as version 1 and pings', async () => {
    const repository = new MemoryPatientRepository();
    await repository.create({ ...samplePatient(), id: 'p1' });
    const current = await repository.get('p1');
    delete current?.meta;
    expect((await repository.update('p1', samplePatient(), 1))?.meta?.versionId).toBe('2');
    await expect(repository.ping()).resolves.toBeUndefined();
  });
});
