import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createApp } from './app';
import { parsePort } from './config';
import { MemoryAuditStore } from './audit/audit';
import { isRole, type Role } from './auth/rbac';
import { MemorySessionStore } from './auth/sessions';
import type { Observation, Patient } from './fhir/types';
import { asObservation, asPatient, validateObservation, validatePatient } from './fhir/validate';
import { loadStaticFiles } from './http/static';
import { createLogger } from './logging/logger';
import { MemoryObservationRepository } from './observations/repository';
import { MemoryPatientRepository } from './patients/repository';

/** Lifetime of a development session: eight hours. */
const DEV_SESSION_SECONDS = 8 * 60 * 60;

/**
 * Parses HMS_DEV_SESSIONS, a comma-separated list of token:role:userId, into sessions. The
 * development server has no login: the Postman environment and the Playwright test send these tokens.
 */
export function parseDevSessions(value: string): { token: string; role: Role; userId: string }[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item, index) => {
      const [token = '', role = '', userId = ''] = item.split(':');
      if (token === '' || userId === '' || !isRole(role)) {
        throw new Error(`invalid HMS_DEV_SESSIONS entry number ${index + 1}: expected token:role:userId with a known role`);
      }
      return { token, role, userId };
    });
}

interface SeedBundle {
  entry?: { resource?: unknown }[];
}

/**
 * Starts the service with in-memory adapters, for Newman, Playwright and k6. It listens on HOST
 * (default 127.0.0.1) and PORT (default 8080) and loads synthetic seed resources from HMS_SEED_BUNDLE.
 */
async function main(): Promise<void> {
  const logger = createLogger({ level: 'info' });
  const now = (): Date => new Date();
  const patients = new MemoryPatientRepository(now);
  const observations = new MemoryObservationRepository(now);
  const sessions = new MemorySessionStore();

  for (const session of parseDevSessions(process.env['HMS_DEV_SESSIONS'] ?? '')) {
    await sessions.put(session.token, { userId: session.userId, role: session.role }, DEV_SESSION_SECONDS);
  }

  const seedPath = process.env['HMS_SEED_BUNDLE'];
  if (seedPath !== undefined) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the path is set by the developer starting the server
    const bundle = JSON.parse(readFileSync(seedPath, 'utf8')) as SeedBundle;
    for (const [index, { resource }] of (bundle.entry ?? []).entries()) {
      if (validatePatient(resource).length === 0) {
        const patient: Patient = asPatient(resource);
        await patients.create({ ...patient, id: patient.id ?? randomUUID() });
      } else if (validateObservation(resource).length === 0) {
        const observation: Observation = asObservation(resource);
        await observations.create({ ...observation, id: observation.id ?? randomUUID() });
      } else {
        throw new Error(`invalid seed resource at entry ${index} of ${seedPath}: expected a valid Patient or Observation`);
      }
    }
  }

  const app = createApp(
    { patients, observations, auditStore: new MemoryAuditStore(), sessions, logger, now, newId: randomUUID },
    { staticFiles: loadStaticFiles(process.env['PUBLIC_DIR'] ?? 'public') },
  );
  const port = parsePort(process.env['PORT'] ?? '8080');
  const host = process.env['HOST'] ?? '127.0.0.1';
  createServer((req, res) => void app(req, res)).listen(port, host, () => {
    logger.info('development server started', { host, port });
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    createLogger().error('development server failed', { error: err });
    process.exitCode = 1;
  });
}
