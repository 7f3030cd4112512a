import type { Queryable } from '../db/queryable';
import type { Observation } from '../fhir/types';

/** Search parameters of GET /fhir/Observation. */
export interface ObservationSearch {
  patientId: string;
  /** Exact code value of any coding (for example a LOINC code). */
  code?: string;
  limit: number;
}

/** Storage of Observation resources. Implementations set meta.versionId and meta.lastUpdated. */
export interface ObservationRepository {
  get(id: string): Promise<Observation | undefined>;
  search(query: ObservationSearch): Promise<Observation[]>;
  create(observation: Observation & { id: string }): Promise<Observation>;
}

/** Returns the patient id of an Observation's "Patient/<id>" subject, or undefined. */
export function subjectPatientId(observation: Observation): string | undefined {
  const reference = observation.subject?.reference;
  return reference?.startsWith('Patient/') === true ? reference.slice('Patient/'.length) : undefined;
}

function codes(observation: Observation): string[] {
  return (observation.code.coding ?? []).flatMap((coding) => (coding.code === undefined ? [] : [coding.code]));
}

function stamp(observation: Observation & { id: string }, now: Date): Observation {
  return { ...observation, meta: { versionId: '1', lastUpdated: now.toISOString() } };
}

/** Observations in the PostgreSQL table observation, with the FHIR JSON in a jsonb column. */
export class PgObservationRepository implements ObservationRepository {
  constructor(
    private readonly db: Queryable,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(id: string): Promise<Observation | undefined> {
    const result = await this.db.query<{ resource: Observation }>('SELECT resource FROM observation WHERE id = $1', [id]);
    return result.rows[0]?.resource;
  }

  async search(query: ObservationSearch): Promise<Observation[]> {
    const result = await this.db.query<{ resource: Observation }>(
      `SELECT resource FROM observation
        WHERE patient_id = $1 AND ($2::text IS NULL OR $2 = ANY(codes))
        ORDER BY effective DESC NULLS LAST, id
        LIMIT $3`,
      [query.patientId, query.code ?? null, query.limit],
    );
    return result.rows.map((row) => row.resource);
  }

  async create(observation: Observation & { id: string }): Promise<Observation> {
    const stored = stamp(observation, this.now());
    await this.db.query(
      `INSERT INTO observation (id, patient_id, codes, effective, resource, version_id, last_updated)
       VALUES ($1, $2, $3, $4, $5, 1, $6)`,
      [observation.id, subjectPatientId(stored), codes(stored), stored.effectiveDateTime ?? null, stored, stored.meta?.lastUpdated],
    );
    return stored;
  }
}

/** In-memory observations for unit tests and the local development server. */
export class MemoryObservationRepository implements ObservationRepository {
  private readonly observations = new Map<string, Observation>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  get(id: string): Promise<Observation | undefined> {
    return Promise.resolve(this.observations.get(id));
  }

  search(query: ObservationSearch): Promise<Observation[]> {
    const matches = [...this.observations.values()].filter(
      (observation) =>
        subjectPatientId(observation) === query.patientId && (query.code === undefined || codes(observation).includes(query.code)),
    );
    return Promise.resolve(matches.slice(0, query.limit));
  }

  create(observation: Observation & { id: string }): Promise<Observation> {
    if (this.observations.has(observation.id)) {
      return Promise.reject(new Error(`observation ${observation.id} already exists`));
    }
    const stored = stamp(observation, this.now());
    this.observations.set(observation.id, stored);
    return Promise.resolve(stored);
  }
}
