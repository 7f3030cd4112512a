import { HttpError } from '../http/errors';
import { parseCount } from '../http/params';
import type { Reply, RequestContext, Route } from '../http/router';
import { FHIR_ID_PATTERN } from '../fhir/validate';
import { audit } from './audit';

/** GET /audit?patient=&actor=&_count=: reading the audit trail is itself audited. */
export async function listAuditEvents(ctx: RequestContext): Promise<Reply> {
  const patientId = ctx.url.searchParams.get('patient') ?? undefined;
  const actorId = ctx.url.searchParams.get('actor') ?? undefined;
  for (const [name, value] of [
    ['patient', patientId],
    ['actor', actorId],
  ] as const) {
    if (value !== undefined && !FHIR_ID_PATTERN.test(value)) {
      throw HttpError.of(400, 'value', `invalid ${name} parameter: expected 1 to 64 characters from A-Z, a-z, 0-9, "-" and "."`);
    }
  }
  const limit = parseCount(ctx.url);
  const events = await ctx.deps.auditStore.list({
    ...(patientId === undefined ? {} : { patientId }),
    ...(actorId === undefined ? {} : { actorId }),
    limit,
  });
  await audit(ctx.deps.auditStore, ctx.deps.now, {
    requestId: ctx.requestId,
    principal: ctx.principal,
    action: 'search',
    resourceType: 'AuditEvent',
    patientId,
    outcome: 'success',
  });
  return { status: 200, body: { events } };
}

/** GET /healthz: the process is up. */
export function liveness(): Promise<Reply> {
  return Promise.resolve({ status: 200, body: { status: 'ok' } });
}

/** GET /readyz: checks that PostgreSQL and Redis respond. The error text is logged, not returned. */
export async function readiness(ctx: RequestContext): Promise<Reply> {
  try {
    await ctx.deps.patients.ping();
    await ctx.deps.sessions.ping();
  } catch (err) {
    ctx.deps.logger.warn('readiness check failed', { requestId: ctx.requestId, error: err });
    return { status: 503, body: { status: 'unavailable' } };
  }
  return { status: 200, body: { status: 'ready' } };
}

/** Routes of the audit trail and the health probes. */
export const operationalRoutes: Route[] = [
  { method: 'GET', path: '/audit', permission: 'audit:read', auditAs: 'AuditEvent', handler: listAuditEvents },
  { method: 'GET', path: '/healthz', permission: 'public', handler: liveness },
  { method: 'GET', path: '/readyz', permission: 'public', handler: readiness },
];
