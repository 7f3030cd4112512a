import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { MemoryAuditStore } from '../src/audit/audit';
import type { Role } from '../src/auth/rbac';
import { MemorySessionStore } from '../src/auth/sessions';
import type { Observation, Patient } from '../src/fhir/types';
import type { Dependencies } from '../src/http/router';
import { loadStaticFiles } from '../src/http/static';
import { createLogger } from '../src/logging/logger';
import { MemoryObservationRepository } from '../src/observations/repository';
import { MemoryPatientRepository } from '../src/patients/repository';

/** Fixed clock of the tests. */
export const NOW = new Date('2026-11-10T12:00:00.000Z');

/** One token per role; each is 16+ characters as the session store requires. */
export const TOKENS: Record<Role, string> = {
  clinician: 'test-token-clinician',
  nurse: 'test-token-nurse-0001',
  admin: 'test-token-admin-0001',
  auditor: 'test-token-auditor-01',
};

export const PATIENT_ID = 'pat-0001';

/** Returns a valid synthetic patient without id. */
export function samplePatient(): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: 'MRN-200001' }],
    name: [{ family: 'Testpatient', given: ['Dana'] }],
    telecom: [{ system: 'phone', value: '555-0111' }],
    gender: 'female',
    birthDate: '1990-02-14',
  };
}

/** Returns a valid heart-rate observation of PATIENT_ID without id. */
export function sampleObservation(): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${PATIENT_ID}` },
    effectiveDateTime: '2026-11-09T08:00:00Z',
    valueQuantity: { value: 71, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

/** A running app on 127.0.0.1 with in-memory adapters, one session per role and one patient. */
export interface TestApp {
  baseUrl: string;
  deps: Dependencies & { auditStore: MemoryAuditStore };
  logLines: string[];
  close(): Promise<void>;
}

export async function startTestApp(overrides: Partial<Dependencies> = {}): Promise<TestApp> {
  const now = (): Date => NOW;
  const logLines: string[] = [];
  const sessions = new MemorySessionStore(() => NOW.getTime());
  for (const [role, token] of Object.entries(TOKENS)) {
    await sessions.put(token, { userId: `user-${role}`, role: role as Role }, 3600);
  }
  const patients = new MemoryPatientRepository(now);
  await patients.create({ ...samplePatient(), id: PATIENT_ID });
  let counter = 0;
  const deps = {
    patients,
    observations: new MemoryObservationRepository(now),
    auditStore: new MemoryAuditStore(),
    sessions,
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line), now }),
    now,
    newId: () => `id-${String(++counter).padStart(4, '0')}`,
    ...overrides,
  } as TestApp['deps'];
  const app = createApp(deps, { staticFiles: loadStaticFiles('public') });
  const server: Server = createServer((req, res) => {
    void app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    deps,
    logLines,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) {
            reject(err);
          } else {
            resolve();
          }
        });
      }),
  };
}

/** Sends a request with the role's token (or none) and a JSON body when given. */
export async function call(
  app: TestApp,
  method: string,
  path: string,
  options: { role?: Role; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token ?? (options.role === undefined ? undefined : TOKENS[options.role]);
  if (token !== undefined) {
    headers['authorization'] = `Bearer ${token}`;
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/fhir+json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${app.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
}
