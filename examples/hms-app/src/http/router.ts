import type { IncomingMessage } from 'node:http';
import type { AuditStore } from '../audit/audit';
import type { Permission, Principal } from '../auth/rbac';
import type { SessionStore } from '../auth/sessions';
import type { Logger } from '../logging/logger';
import type { ObservationRepository } from '../observations/repository';
import type { PatientRepository } from '../patients/repository';

/** Everything a handler may use. Tests pass in-memory implementations. */
export interface Dependencies {
  patients: PatientRepository;
  observations: ObservationRepository;
  auditStore: AuditStore;
  sessions: SessionStore;
  logger: Logger;
  now: () => Date;
  newId: () => string;
}

/** Per-request state handed to a route handler. */
export interface RequestContext {
  req: IncomingMessage;
  url: URL;
  params: Readonly<Record<string, string>>;
  /** Set for every route that is not public; public routes see undefined. */
  principal: Principal | undefined;
  requestId: string;
  deps: Dependencies;
}

/** A handler's response; the app serializes body as JSON. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * One endpoint. Every route names the permission it needs; "public" must be written out, so a
 * route added without thought is denied rather than open. auditAs names the resource type to
 * record when the app itself rejects a request before the handler runs (401 or 403).
 */
export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  permission: Permission | 'public';
  auditAs?: 'Patient' | 'Observation' | 'AuditEvent';
  handler: (ctx: RequestContext) => Promise<Reply>;
}

/** A route matched to a request path, with its decoded path parameters. */
export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Finds the route for method and pathname. Returns "method-not-allowed" when the path exists
 * with another method, and undefined when no route has the path.
 */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch | 'method-not-allowed' | undefined {
  const segments = pathname.split('/').filter((segment) => segment !== '');
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (params === undefined) {
      continue;
    }
    if (route.method === method) {
      return { route, params };
    }
    pathMatched = true;
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').filter((part) => part !== '');
  if (parts.length !== segments.length) {
    return undefined;
  }
  const params = new Map<string, string>();
  for (const [index, part] of parts.entries()) {
    const segment = segments.at(index) ?? '';
    if (part.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
      params.set(part.slice(1), decoded);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return Object.fromEntries(params);
}
