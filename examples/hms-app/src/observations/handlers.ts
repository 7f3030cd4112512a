import { audit } from '../audit/audit';
import { HttpError } from '../http/errors';
import { optionalText, parseCount, requireId } from '../http/params';
import { readJsonBody } from '../http/request';
import type { Reply, RequestContext, Route } from '../http/router';
import type { Observation, SearchBundle } from '../fhir/types';
import { asObservation, validateObservation } from '../fhir/validate';
import { subjectPatientId } from './repository';

/** GET /fhir/Observation?patient=<id>&code=&_count=: the patient parameter is required. */
export async function searchObservations(ctx: RequestContext): Promise<Reply> {
  const patientId = requireId(ctx.url.searchParams.get('patient'), 'patient search parameter');
  const code = optionalText(ctx.url, 'code', 32);
  const limit = parseCount(ctx.url);
  const observations = await ctx.deps.observations.search({ patientId, ...(code === undefined ? {} : { code }), limit });
  await audit(ctx.deps.auditStore, ctx.deps.now, {
    requestId: ctx.requestId,
    principal: ctx.principal,
    action: 'search',
    resourceType: 'Observation',
    patientId,
    outcome: observations.length === 0 ? 'not-found' : 'success',
  });
  const bundle: SearchBundle<Observation> = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: observations.length,
    entry: observations.map((observation) => ({
      fullUrl: `/fhir/Observation/${observation.id ?? ''}`,
      resource: observation,
      search: { mode: 'match' },
    })),
  };
  return { status: 200, body: bundle };
}

/** GET /fhir/Observation/:id */
export async function readObservation(ctx: RequestContext): Promise<Reply> {
  const id = requireId(ctx.params['id'], 'observation id');
  const observation = await ctx.deps.observations.get(id);
  await audit(ctx.deps.auditStore, ctx.deps.now, {
    requestId: ctx.requestId,
    principal: ctx.principal,
    action: 'read',
    resourceType: 'Observation',
    resourceId: id,
    patientId: observation === undefined ? undefined : subjectPatientId(observation),
    outcome: observation === undefined ? 'not-found' : 'success',
  });
  if (observation === undefined) {
    throw HttpError.of(404, 'not-found', 'observation not found');
  }
  return { status: 200, body: observation, headers: { etag: `W/"${observation.meta?.versionId ?? '1'}"` } };
}

/** POST /fhir/Observation: the subject must be an existing patient. */
export async function createObservation(ctx: RequestContext): Promise<Reply> {
  const body = await readJsonBody(ctx.req);
  const issues = validateObservation(body);
  const base = { requestId: ctx.requestId, principal: ctx.principal, action: 'create' as const, resourceType: 'Observation' as const };
  if (issues.length > 0) {
    await audit(ctx.deps.auditStore, ctx.deps.now, { ...base, outcome: 'invalid' });
    throw new HttpError(400, issues);
  }
  const observation = asObservation(body);
  const patientId = subjectPatientId(observation) ?? '';
  if ((await ctx.deps.patients.get(patientId)) === undefined) {
    await audit(ctx.deps.auditStore, ctx.deps.now, { ...base, patientId, outcome: 'not-found' });
    throw HttpError.of(422, 'not-found', 'subject patient not found');
  }
  const id = ctx.deps.newId();
  const stored = await ctx.deps.observations.create({ ...observation, id });
  await audit(ctx.deps.auditStore, ctx.deps.now, { ...base, resourceId: id, patientId, outcome: 'success' });
  return { status: 201, body: stored, headers: { etag: 'W/"1"', location: `/fhir/Observation/${id}/_history/1` } };
}

/** Routes of the Observation endpoints. */
export const observationRoutes: Route[] = [
  { method: 'GET', path: '/fhir/Observation', permission: 'observation:read', auditAs: 'Observation', handler: searchObservations },
  { method: 'GET', path: '/fhir/Observation/:id', permission: 'observation:read', auditAs: 'Observation', handler: readObservation },
  { method: 'POST', path: '/fhir/Observation', permission: 'observation:write', auditAs: 'Observation', handler: createObservation },
];
