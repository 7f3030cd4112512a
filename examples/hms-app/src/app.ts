import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { audit, type AuditAction } from './audit/audit';
import { operationalRoutes } from './audit/handlers';
import { can, type Principal } from './auth/rbac';
import { HttpError, operationOutcome } from './http/errors';
import { bearerToken } from './http/request';
import { matchRoute, type Dependencies, type Reply, type Route } from './http/router';
import type { StaticFile } from './http/static';
import { observationRoutes } from './observations/handlers';
import { patientRoutes } from './patients/handlers';

/** Every API route of the service. */
export const routes: readonly Route[] = [...patientRoutes, ...observationRoutes, ...operationalRoutes];

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; frame-ancestors 'none'",
};

/** Audit action recorded when a request is rejected before its handler runs. */
const DENIED_ACTIONS: Readonly<Record<Route['method'], AuditAction>> = { GET: 'read', POST: 'create', PUT: 'update' };

const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/** Options of createApp. */
export interface AppOptions {
  /** Files of the patient-search page by URL path; see loadStaticFiles. */
  staticFiles?: ReadonlyMap<string, StaticFile>;
}

function send(res: ServerResponse, requestId: string, reply: Reply): void {
  res.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/fhir+json; charset=utf-8',
    'x-request-id': requestId,
    ...reply.headers,
  });
  res.end(JSON.stringify(reply.body));
}

function errorReply(err: HttpError): Reply {
  const headers: Record<string, string> = err.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
  return { status: err.status, body: operationOutcome(err.issues), headers };
}

async function authorize(route: Route, req: IncomingMessage, requestId: string, deps: Dependencies): Promise<Principal | undefined> {
  if (route.permission === 'public') {
    return undefined;
  }
  const token = bearerToken(req);
  const principal = token === undefined ? undefined : await deps.sessions.lookup(token);
  if (principal !== undefined && can(principal.role, route.permission)) {
    return principal;
  }
  if (route.auditAs !== undefined) {
    await audit(deps.auditStore, deps.now, {
      requestId,
      principal,
      action: DENIED_ACTIONS[route.method],
      resourceType: route.auditAs,
      outcome: 'denied',
    });
  }
  if (principal === undefined) {
    throw HttpError.of(401, 'login', 'missing, unknown or expired bearer token');
  }
  throw HttpError.of(403, 'forbidden', `role ${principal.role} lacks permission ${route.permission}`);
}

/** Per-request values that the access log reads even when dispatch throws. */
interface RequestState {
  requestId: string;
  route: string;
}

async function dispatch(req: IncomingMessage, url: URL, state: RequestState, deps: Dependencies): Promise<Reply> {
  const match = matchRoute(routes, req.method ?? 'GET', url.pathname);
  if (match === 'method-not-allowed') {
    throw HttpError.of(405, 'not-supported', `method ${req.method ?? ''} not allowed on this path`);
  }
  if (match === undefined) {
    throw HttpError.of(404, 'not-found', 'no such endpoint');
  }
  state.route = match.route.path;
  const principal = await authorize(match.route, req, state.requestId, deps);
  return match.route.handler({ req, url, params: match.params, principal, requestId: state.requestId, deps });
}

/**
 * Creates the request listener of the service. Routing is deny by default: each route names a
 * permission, and a request without a session holding it gets 401 or 403 before the handler runs.
 * Access logs name the route pattern, never the raw path, because paths carry patient ids.
 */
export function createApp(deps: Dependencies, options: AppOptions = {}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const staticFiles = options.staticFiles ?? new Map<string, StaticFile>();

  return async (req, res) => {
    const started = Date.now();
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const state: RequestState = { requestId, route: 'unmatched' };
    let reply: Reply;

    const file = req.method === 'GET' ? staticFiles.get(url.pathname) : undefined;
    if (file !== undefined) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'cache-control': 'no-cache', 'content-type': file.contentType });
      res.end(file.body);
      return;
    }

    try {
      reply = await dispatch(req, url, state, deps);
    } catch (err) {
      if (err instanceof HttpError) {
        reply = errorReply(err);
      } else {
        deps.logger.error('request failed', { requestId, method: req.method, error: err });
        reply = errorReply(HttpError.of(500, 'exception', `internal error; quote request id ${requestId} when reporting it`));
      }
    }
    send(res, requestId, reply);
    deps.logger.info('request', {
      requestId,
      method: req.method,
      route: state.route,
      status: reply.status,
      durationMs: Date.now() - started,
    });
  };
}
