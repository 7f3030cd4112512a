import type { Queryable } from '../db/queryable';
import type { Patient } from '../fhir/types';

/** Search parameters of GET /fhir/Patient; at least one of name and identifier is set. */
export interface PatientSearch {
  /** Case-insensitive prefix of a family or given name. */
  name?: string;
  /** Exact identifier value (the system is not compared). */
  identifier?: string;
  limit: number;
}

/** Raised when an update names a version that is no longer the current one. */
export class VersionConflictError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`version conflict: expected version ${expected}, current version is ${actual}`);
    this.name = 'VersionConflictError';
  }
}

/** Storage of Patient resources. Implementations set meta.versionId and meta.lastUpdated. */
export interface PatientRepository {
  get(id: string): Promise<Patient | undefined>;
  search(query: PatientSearch): Promise<Patient[]>;
  create(patient: Patient & { id: string }): Promise<Patient>;
  /** Replaces a patient; returns undefined when none has that id. */
  update(id: string, patient: Patient, expectedVersion?: number): Promise<Patient | undefined>;
  /** Checks that the backing store responds, and throws when it does not. */
  ping(): Promise<void>;
}

/** Returns a copy of patient with id and meta set. */
export function withMeta(patient: Patient, id: string, version: number, lastUpdated: Date): Patient {
  return { ...patient, id, meta: { versionId: String(version), lastUpdated: lastUpdated.toISOString() } };
}

/** Escapes the LIKE wildcards % and _ (and the escape character) in a user-supplied prefix. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (match) => `\\${match}`);
}

function searchColumns(patient: Patient): { family: string | null; given: string | null; identifiers: string[] } {
  const name = patient.name?.[0];
  return {
    family: name?.family ?? null,
    given: name?.given?.join(' ') ?? null,
    identifiers: (patient.identifier ?? []).flatMap((identifier) => (identifier.value === undefined ? [] : [identifier.value])),
  };
}

interface ResourceRow extends Record<string, unknown> {
  resource: Patient;
  version_id: number;
}

/** Patients in the PostgreSQL table patient, with the FHIR JSON in a jsonb column. */
export class PgPatientRepository implements PatientRepository {
  constructor(
    private readonly db: Queryable,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(id: string): Promise<Patient | undefined> {
    const result = await this.db.query<ResourceRow>('SELECT resource FROM patient WHERE id = $1', [id]);
    return result.rows[0]?.resource;
  }

  async search(query: PatientSearch): Promise<Patient[]> {
    const namePrefix = query.name === undefined ? null : `${escapeLike(query.name)}%`;
    const result = await this.db.query<ResourceRow>(
      `SELECT resource FROM patient
        WHERE ($1::text IS NULL OR lower(family) LIKE lower($1) OR lower(given) LIKE lower($1))
          AND ($2::text IS NULL OR $2 = ANY(identifier_values))
        ORDER BY family, given, id
        LIMIT $3`,
      [namePrefix, query.identifier ?? null, query.limit],
    );
    return result.rows.map((row) => row.resource);
  }

  async create(patient: Patient & { id: string }): Promise<Patient> {
    const stored = withMeta(patient, patient.id, 1, this.now());
    const columns = searchColumns(stored);
    await this.db.query(
      `INSERT INTO patient (id, family, given, identifier_values, resource, version_id, last_updated)
       VALUES ($1, $2, $3, $4, $5, 1, $6)`,
      [stored.id, columns.family, columns.given, columns.identifiers, stored, stored.meta?.lastUpdated],
    );
    return stored;
  }

  async update(id: string, patient: Patient, expectedVersion?: number): Promise<Patient | undefined> {
    const current = await this.db.query<ResourceRow>('SELECT resource, version_id FROM patient WHERE id = $1', [id]);
    const row = current.rows[0];
    if (row === undefined) {
      return undefined;
    }
    if (expectedVersion !== undefined && expectedVersion !== row.version_id) {
      throw new VersionConflictError(expectedVersion, row.version_id);
    }
    const version = row.version_id + 1;
    const stored = withMeta(patient, id, version, this.now());
    const columns = searchColumns(stored);
    const updated = await this.db.query(
      `UPDATE patient SET family = $2, given = $3, identifier_values = $4, resource = $5, version_id = $6, last_updated = $7
        WHERE id = $1 AND version_id = $8`,
      [id, columns.family, columns.given, columns.identifiers, stored, version, stored.meta?.lastUpdated, row.version_id],
    );
    // Another writer bumped the version between the SELECT and the UPDATE.
    if (updated.rowCount === 0) {
      throw new VersionConflictError(row.version_id, row.version_id + 1);
    }
    return stored;
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }
}

/** In-memory patients for unit tests and the local development server. */
export class MemoryPatientRepository implements PatientRepository {
  private readonly patients = new Map<string, Patient>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  get(id: string): Promise<Patient | undefined> {
    return Promise.resolve(this.patients.get(id));
  }

  search(query: PatientSearch): Promise<Patient[]> {
    const prefix = query.name?.toLowerCase();
    const matches = [...this.patients.values()].filter((patient) => {
      const columns = searchColumns(patient);
      const nameMatches =
        prefix === undefined ||
        (columns.family ?? '').toLowerCase().startsWith(prefix) ||
        (columns.given ?? '').toLowerCase().startsWith(prefix);
      const identifierMatches = query.identifier === undefined || columns.identifiers.includes(query.identifier);
      return nameMatches && identifierMatches;
    });
    return Promise.resolve(matches.slice(0, query.limit));
  }

  create(patient: Patient & { id: string }): Promise<Patient> {
    if (this.patients.has(patient.id)) {
      return Promise.reject(new Error(`patient ${patient.id} already exists`));
    }
    const stored = withMeta(patient, patient.id, 1, this.now());
    this.patients.set(patient.id, stored);
    return Promise.resolve(stored);
  }

  update(id: string, patient: Patient, expectedVersion?: number): Promise<Patient | undefined> {
    const current = this.patients.get(id);
    if (current === undefined) {
      return Promise.resolve(undefined);
    }
    const version = Number(current.meta?.versionId ?? '1');
    if (expectedVersion !== undefined && expectedVersion !== version) {
      return Promise.reject(new VersionConflictError(expectedVersion, version));
    }
    const stored = withMeta(patient, id, version + 1, this.now());
    this.patients.set(id, stored);
    return Promise.resolve(stored);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }
}
