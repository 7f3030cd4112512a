import type { Principal } from '../auth/rbac';
import type { Queryable } from '../db/queryable';

/** Kind of access that the caller made or tried to make. */
export type AuditAction = 'read' | 'search' | 'create' | 'update';

/** Result of the access attempt. */
export type AuditOutcome = 'success' | 'denied' | 'not-found' | 'invalid' | 'conflict';

/** One row of the audit trail: who touched which patient data, when, and with what result. */
export interface AuditEvent {
  time: string;
  requestId: string;
  actorId: string;
  actorRole: string;
  action: AuditAction;
  resourceType: 'Patient' | 'Observation' | 'AuditEvent';
  resourceId?: string;
  patientId?: string;
  outcome: AuditOutcome;
}

/** Filter of AuditStore.list. */
export interface AuditQuery {
  patientId?: string;
  actorId?: string;
  limit: number;
}

/** Append-only storage of audit events. */
export interface AuditStore {
  record(event: AuditEvent): Promise<void>;
  list(query: AuditQuery): Promise<AuditEvent[]>;
}

/** Input of audit(). The time comes from the clock and the actor from the principal. */
export interface AuditEntry {
  requestId: string;
  principal: Principal | undefined;
  action: AuditAction;
  resourceType: AuditEvent['resourceType'];
  resourceId?: string | undefined;
  patientId?: string | undefined;
  outcome: AuditOutcome;
}

/**
 * Records one access to patient data. Every handler that reads or writes patient data awaits this
 * before it responds, so a failing audit store fails the request instead of leaving a silent gap.
 */
export async function audit(store: AuditStore, now: () => Date, entry: AuditEntry): Promise<void> {
  const event: AuditEvent = {
    time: now().toISOString(),
    requestId: entry.requestId,
    actorId: entry.principal?.userId ?? 'anonymous',
    actorRole: entry.principal?.role ?? 'none',
    action: entry.action,
    resourceType: entry.resourceType,
    outcome: entry.outcome,
  };
  if (entry.resourceId !== undefined) {
    event.resourceId = entry.resourceId;
  }
  if (entry.patientId !== undefined) {
    event.patientId = entry.patientId;
  }
  await store.record(event);
}

interface AuditRow extends Record<string, unknown> {
  event_time: Date | string;
  request_id: string;
  actor_id: string;
  actor_role: string;
  action: AuditAction;
  resource_type: AuditEvent['resourceType'];
  resource_id: string | null;
  patient_id: string | null;
  outcome: AuditOutcome;
}

function fromRow(row: AuditRow): AuditEvent {
  const event: AuditEvent = {
    time: row.event_time instanceof Date ? row.event_time.toISOString() : row.event_time,
    requestId: row.request_id,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    resourceType: row.resource_type,
    outcome: row.outcome,
  };
  if (row.resource_id !== null) {
    event.resourceId = row.resource_id;
  }
  if (row.patient_id !== null) {
    event.patientId = row.patient_id;
  }
  return event;
}

/** Audit events in the PostgreSQL table audit_event, which triggers keep append-only. */
export class PgAuditStore implements AuditStore {
  constructor(private readonly db: Queryable) {}

  async record(event: AuditEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_event
         (event_time, request_id, actor_id, actor_role, action, resource_type, resource_id, patient_id, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        event.time,
        event.requestId,
        event.actorId,
        event.actorRole,
        event.action,
        event.resourceType,
        event.resourceId ?? null,
        event.patientId ?? null,
        event.outcome,
      ],
    );
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const result = await this.db.query<AuditRow>(
      `SELECT event_time, request_id, actor_id, actor_role, action, resource_type, resource_id, patient_id, outcome
         FROM audit_event
        WHERE ($1::text IS NULL OR patient_id = $1)
          AND ($2::text IS NULL OR actor_id = $2)
        ORDER BY event_time DESC, id DESC
        LIMIT $3`,
      [query.patientId ?? null, query.actorId ?? null, query.limit],
    );
    return result.rows.map(fromRow);
  }
}

/** In-memory audit trail for unit tests and the local development server. */
export class MemoryAuditStore implements AuditStore {
  readonly events: AuditEvent[] = [];

  record(event: AuditEvent): Promise<void> {
    this.events.push({ ...event });
    return Promise.resolve();
  }

  list(query: AuditQuery): Promise<AuditEvent[]> {
    const matches = this.events.filter(
      (event) =>
        (query.patientId === undefined || event.patientId === query.patientId) &&
        (query.actorId === undefined || event.actorId === query.actorId),
    );
    return Promise.resolve(matches.reverse().slice(0, query.limit));
  }
}
