import { MemoryObservationRepository, PgObservationRepository, subjectPatientId } from '../../src/observations/repository';
import { FakeDb } from '../fake-db';
import { NOW, sampleObservation } from '../helpers';

const now = (): Date => NOW;

describe('subjectPatientId', () => {
  it('returns the id of a Patient reference only', () => {
    expect(subjectPatientId(sampleObservation())).toBe('pat-0001');
    expect(subjectPatientId({ ...sampleObservation(), subject: { reference: 'Group/g1' } })).toBeUndefined();
    const { subject: _subject, ...withoutSubject } = sampleObservation();
    expect(subjectPatientId(withoutSubject)).toBeUndefined();
  });
});

describe('PgObservationRepository', () => {
  it('gets, searches and creates with the search columns', async () => {
    const db = new FakeDb().answer([{ resource: { ...sampleObservation(), id: 'o1' } }]).answer([]);
    const repository = new PgObservationRepository(db, now);
    expect((await repository.get('o1'))?.id).toBe('o1');
    expect(await repository.search({ patientId: 'pat-0001', code: '8867-4', limit: 3 })).toEqual([]);
    expect(db.queries[1]?.values).toEqual(['pat-0001', '8867-4', 3]);
    await repository.search({ patientId: 'pat-0001', limit: 3 });
    expect(db.queries[2]?.values).toEqual(['pat-0001', null, 3]);
    const created = await repository.create({ ...sampleObservation(), id: 'o2' });
    expect(created.meta).toEqual({ versionId: '1', lastUpdated: NOW.toISOString() });
    expect(db.queries[3]?.values).toEqual(['o2', 'pat-0001', ['8867-4'], '2026-11-09T08:00:00Z', created, NOW.toISOString()]);
  });

  it('stores null effective time and no codes when absent', async () => {
    const db = new FakeDb();
    const { effectiveDateTime: _effective, ...observation } = sampleObservation();
    await new PgObservationRepository(db).create({ ...observation, code: { text: 'Pulse' }, id: 'o3' });
    expect(db.queries[0]?.values?.slice(0, 4)).toEqual(['o3', 'pat-0001', [], null]);
  });
});

describe('MemoryObservationRepository', () => {
  it('creates, gets, filters and rejects duplicates', async () => {
    const repository = new MemoryObservationRepository(now);
    await repository.create({ ...sampleObservation(), id: 'o1' });
    await repository.create({ ...sampleObservation(), id: 'o2', code: { coding: [{ code: '8310-5' }, { display: 'no code' }] } });
    await repository.create({ ...sampleObservation(), id: 'o3', subject: { reference: 'Patient/other' } });
    expect((await repository.get('o1'))?.meta?.versionId).toBe('1');
    expect((await repository.search({ patientId: 'pat-0001', limit: 10 })).map((o) => o.id)).toEqual(['o1', 'o2']);
    expect((await repository.search({ patientId: 'pat-0001', code: '8310-5', limit: 10 })).map((o) => o.id)).toEqual(['o2']);
    expect(await repository.search({ patientId: 'pat-0001', limit: 1 })).toHaveLength(1);
    await expect(repository.create({ ...sampleObservation(), id: 'o1' })).rejects.toThrow('observation o1 already exists');
    expect(await new MemoryObservationRepository().get('o1')).toBeUndefined();
  });
});
