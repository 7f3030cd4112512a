import { audit } from '../audit/audit';
import { HttpError } from '../http/errors';
import { optionalText, parseCount, parseIfMatch, requireId } from '../http/params';
import { readJsonBody } from '../http/request';
import type { Reply, RequestContext, Route } from '../http/router';
import type { Patient, SearchBundle } from '../fhir/types';
import { asPatient, validatePatient } from '../fhir/validate';
import { VersionConflictError } from './repository';

function patientReply(status: number, patient: Patient): Reply {
  const version = patient.meta?.versionId ?? '1';
  return {
    status,
    body: patient,
    headers: { etag: `W/"${version}"`, location: `/fhir/Patient/${patient.id ?? ''}/_history/${version}` },
  };
}

async function validBody(ctx: RequestContext, action: 'create' | 'update', patientId?: string): Promise<Patient> {
  const body = await readJsonBody(ctx.req);
  const issues = validatePatient(body);
  if (issues.length > 0) {
    await audit(ctx.deps.auditStore, ctx.deps.now, {
      requestId: ctx.requestId,
      principal: ctx.principal,
      action,
      resourceType: 'Patient',
      patientId,
      outcome: 'invalid',
    });
    throw new HttpError(400, issues);
  }
  return asPatient(body);
}

/** GET /fhir/Patient?name=&identifier=&_count=: one audit event per patient returned. */
export async function searchPatients(ctx: RequestContext): Promise<Reply> {
  const name = optionalText(ctx.url, 'name', 64);
  const identifier = optionalText(ctx.url, 'identifier', 64);
  const limit = parseCount(ctx.url);
  if (name === undefined && identifier === undefined) {
    throw HttpError.of(400, 'required', 'missing search parameter: give name or identifier (listing every patient is not allowed)');
  }
  const patients = await ctx.deps.patients.search({
    ...(name === undefined ? {} : { name }),
    ...(identifier === undefined ? {} : { identifier }),
    limit,
  });
  const base = { requestId: ctx.requestId, principal: ctx.principal, action: 'search' as const, resourceType: 'Patient' as const };
  if (patients.length === 0) {
    await audit(ctx.deps.auditStore, ctx.deps.now, { ...base, outcome: 'not-found' });
  }
  for (const patient of patients) {
    await audit(ctx.deps.auditStore, ctx.deps.now, { ...base, resourceId: patient.id, patientId: patient.id, outcome: 'success' });
  }
  const bundle: SearchBundle<Patient> = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: patients.length,
    entry: patients.map((patient) => ({
      fullUrl: `/fhir/Patient/${patient.id ?? ''}`,
      resource: patient,
      search: { mode: 'match' },
    })),
  };
  return { status: 200, body: bundle };
}

/** GET /fhir/Patient/:id */
export async function readPatient(ctx: RequestContext): Promise<Reply> {
  const id = requireId(ctx.params['id'], 'patient id');
  const patient = await ctx.deps.patients.get(id);
  await audit(ctx.deps.auditStore, ctx.deps.now, {
    requestId: ctx.requestId,
    principal: ctx.principal,
    action: 'read',
    resourceType: 'Patient',
    resourceId: id,
    patientId: id,
    outcome: patient === undefined ? 'not-found' : 'success',
  });
  if (patient === undefined) {
    throw HttpError.of(404, 'not-found', 'patient not found');
  }
  return patientReply(200, patient);
}

/** POST /fhir/Patient: the server assigns the id and ignores one sent by the client. */
export async function createPatient(ctx: RequestContext): Promise<Reply> {
  const patient = await validBody(ctx, 'create');
  const id = ctx.deps.newId();
  const stored = await ctx.deps.patients.create({ ...patient, id });
  await audit(ctx.deps.auditStore, ctx.deps.now, {
    requestId: ctx.requestId,
    principal: ctx.principal,
    action: 'create',
    resourceType: 'Patient',
    resourceId: id,
    patientId: id,
    outcome: 'success',
  });
  return patientReply(201, stored);
}

/** PUT /fhir/Patient/:id, with optional optimistic locking through If-Match: W/"<version>". */
export async function updatePatient(ctx: RequestContext): Promise<Reply> {
  const id = requireId(ctx.params['id'], 'patient id');
  const expectedVersion = parseIfMatch(ctx.req.headers['if-match']);
  const patient = await validBody(ctx, 'update', id);
  if (patient.id !== id) {
    throw HttpError.of(400, 'invariant', 'resource id does not match the id in the URL');
  }
  const base = {
    requestId: ctx.requestId,
    principal: ctx.principal,
    action: 'update' as const,
    resourceType: 'Patient' as const,
    resourceId: id,
    patientId: id,
  };
  let stored: Patient | undefined;
  try {
    stored = await ctx.deps.patients.update(id, patient, expectedVersion);
  } catch (err) {
    if (err instanceof VersionConflictError) {
      await audit(ctx.deps.auditStore, ctx.deps.now, { ...base, outcome: 'conflict' });
      throw HttpError.of(409, 'conflict', err.message);
    }
    throw err;
  }
  await audit(ctx.deps.auditStore, ctx.deps.now, { ...base, outcome: stored === undefined ? 'not-found' : 'success' });
  if (stored === undefined) {
    throw HttpError.of(404, 'not-found', 'patient not found; this server does not create patients through PUT');
  }
  return patientReply(200, stored);
}

/** Routes of the Patient endpoints. */
export const patientRoutes: Route[] = [
  { method: 'GET', path: '/fhir/Patient', permission: 'patient:read', auditAs: 'Patient', handler: searchPatients },
  { method: 'GET', path: '/fhir/Patient/:id', permission: 'patient:read', auditAs: 'Patient', handler: readPatient },
  { method: 'POST', path: '/fhir/Patient', permission: 'patient:write', auditAs: 'Patient', handler: createPatient },
  { method: 'PUT', path: '/fhir/Patient/:id', permission: 'patient:write', auditAs: 'Patient', handler: updatePatient },
];
