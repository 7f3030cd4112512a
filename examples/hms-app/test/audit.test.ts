import { MemoryAuditStore, PgAuditStore, audit, type AuditEvent } from '../src/audit/audit';
import { FakeDb } from './fake-db';

const EVENT: AuditEvent = {
  time: '2026-11-10T12:00:00.000Z',
  requestId: 'req-1',
  actorId: 'user-1',
  actorRole: 'nurse',
  action: 'read',
  resourceType: 'Patient',
  resourceId: 'pat-1',
  patientId: 'pat-1',
  outcome: 'success',
};

describe('audit', () => {
  it('builds the event from the principal and the clock', async () => {
    const store = new MemoryAuditStore();
    await audit(store, () => new Date(EVENT.time), {
      requestId: 'req-1',
      principal: { userId: 'user-1', role: 'nurse' },
      action: 'read',
      resourceType: 'Patient',
      resourceId: 'pat-1',
      patientId: 'pat-1',
      outcome: 'success',
    });
    expect(store.events).toEqual([EVENT]);
  });

  it('records an anonymous caller and leaves unset ids out', async () => {
    const store = new MemoryAuditStore();
    await audit(store, () => new Date(EVENT.time), {
      requestId: 'req-2',
      principal: undefined,
      action: 'search',
      resourceType: 'Observation',
      resourceId: undefined,
      outcome: 'denied',
    });
    expect(store.events[0]).toStrictEqual({
      time: EVENT.time,
      requestId: 'req-2',
      actorId: 'anonymous',
      actorRole: 'none',
      action: 'search',
      resourceType: 'Observation',
      outcome: 'denied',
    });
  });

  it('propagates a store failure', async () => {
    const store = new MemoryAuditStore();
    store.record = () => Promise.reject(new Error('disk full'));
    await expect(
      audit(store, () => new Date(), { requestId: 'r', principal: undefined, action: 'read', resourceType: 'Patient', outcome: 'success' }),
    ).rejects.toThrow('disk full');
  });
});

describe('PgAuditStore', () => {
  it('inserts every column, with null for unset ids', async () => {
    const db = new FakeDb();
    const store = new PgAuditStore(db);
    await store.record(EVENT);
    const { resourceId: _resource, patientId: _patient, ...withoutIds } = EVENT;
    await store.record(withoutIds);
    expect(db.texts()[0]).toContain('INSERT INTO audit_event');
    expect(db.queries[0]?.values).toEqual([EVENT.time, 'req-1', 'user-1', 'nurse', 'read', 'Patient', 'pat-1', 'pat-1', 'success']);
    expect(db.queries[1]?.values).toEqual([EVENT.time, 'req-1', 'user-1', 'nurse', 'read', 'Patient', null, null, 'success']);
  });

  it('lists events with filters and maps rows back', async () => {
    const db = new FakeDb().answer([
      {
        event_time: new Date(EVENT.time),
        request_id: 'req-1',
        actor_id: 'user-1',
        actor_role: 'nurse',
        action: 'read',
        resource_type: 'Patient',
        resource_id: 'pat-1',
        patient_id: 'pat-1',
        outcome: 'success',
      },
      {
        event_time: EVENT.time,
        request_id: 'req-2',
        actor_id: 'user-1',
        actor_role: 'nurse',
        action: 'search',
        resource_type: 'Patient',
        resource_id: null,
        patient_id: null,
        outcome: 'not-found',
      },
    ]);
    const events = await new PgAuditStore(db).list({ patientId: 'pat-1', limit: 5 });
    expect(db.texts()[0]).toContain('ORDER BY event_time DESC');
    expect(db.queries[0]?.values).toEqual(['pat-1', null, 5]);
    expect(events[0]).toEqual(EVENT);
    expect(events[1]).toEqual({
      ...{ time: EVENT.time, requestId: 'req-2', actorId: 'user-1', actorRole: 'nurse' },
      action: 'search',
      resourceType: 'Patient',
      outcome: 'not-found',
    });
  });

  it('passes the actor filter', async () => {
    const db = new FakeDb();
    await new PgAuditStore(db).list({ actorId: 'user-9', limit: 1 });
    expect(db.queries[0]?.values).toEqual([null, 'user-9', 1]);
  });
});

describe('MemoryAuditStore', () => {
  it('lists newest first with filters and a limit', async () => {
    const store = new MemoryAuditStore();
    await store.record({ ...EVENT, requestId: 'a' });
    await store.record({ ...EVENT, requestId: 'b', patientId: 'pat-2' });
    await store.record({ ...EVENT, requestId: 'c', actorId: 'user-2' });
    expect((await store.list({ limit: 10 })).map((event) => event.requestId)).toEqual(['c', 'b', 'a']);
    expect((await store.list({ patientId: 'pat-1', limit: 10 })).map((event) => event.requestId)).toEqual(['c', 'a']);
    expect((await store.list({ actorId: 'user-2', limit: 10 })).map((event) => event.requestId)).toEqual(['c']);
    expect((await store.list({ limit: 1 })).map((event) => event.requestId)).toEqual(['c']);
    expect(store.events.map((event) => event.requestId)).toEqual(['a', 'b', 'c']);
  });
});
