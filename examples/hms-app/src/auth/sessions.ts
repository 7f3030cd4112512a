import { isRole, type Principal } from './rbac';

/** Bearer tokens are opaque strings of 16 to 128 URL-safe characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** Reports whether token has the form of a session token. */
export function isTokenWellFormed(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** Session lookup by bearer token. The identity provider in front of the service creates sessions. */
export interface SessionStore {
  /** Returns the principal of a live session, or undefined for an unknown or expired token. */
  lookup(token: string): Promise<Principal | undefined>;
  /** Stores a session that expires after ttlSeconds. */
  put(token: string, principal: Principal, ttlSeconds: number): Promise<void>;
  /** Ends a session; ending an unknown session is not an error. */
  revoke(token: string): Promise<void>;
  /** Checks that the backing store responds, and throws when it does not. */
  ping(): Promise<void>;
}

/** The subset of the ioredis client that RedisSessionStore calls. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  del(key: string): Promise<number>;
  ping(): Promise<string>;
}

function parsePrincipal(raw: string): Principal | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const userId = record['userId'];
  const role = record['role'];
  if (typeof userId !== 'string' || userId === '' || !isRole(role)) {
    return undefined;
  }
  return { userId, role };
}

function putError(token: string, ttlSeconds: number): Error | undefined {
  if (!isTokenWellFormed(token)) {
    return new Error('invalid session token: expected 16 to 128 characters from A-Z, a-z, 0-9, "_" and "-"');
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    return new Error(`invalid session ttl ${ttlSeconds}: expected a positive whole number of seconds`);
  }
  return undefined;
}

/**
 * Sessions kept in Redis under "session:<token>" as JSON. A stored value that is not a valid
 * principal (wrong JSON, unknown role) counts as no session, so a corrupted entry denies access.
 */
export class RedisSessionStore implements SessionStore {
  constructor(private readonly redis: RedisLike) {}

  async lookup(token: string): Promise<Principal | undefined> {
    if (!isTokenWellFormed(token)) {
      return undefined;
    }
    const raw = await this.redis.get(`session:${token}`);
    return raw === null ? undefined : parsePrincipal(raw);
  }

  async put(token: string, principal: Principal, ttlSeconds: number): Promise<void> {
    const problem = putError(token, ttlSeconds);
    if (problem !== undefined) {
      throw problem;
    }
    await this.redis.set(`session:${token}`, JSON.stringify(principal), 'EX', ttlSeconds);
  }

  async revoke(token: string): Promise<void> {
    if (isTokenWellFormed(token)) {
      await this.redis.del(`session:${token}`);
    }
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}

/** In-memory sessions for unit tests and the local development server. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  lookup(token: string): Promise<Principal | undefined> {
    const session = this.sessions.get(token);
    if (session === undefined || session.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(session.principal);
  }

  put(token: string, principal: Principal, ttlSeconds: number): Promise<void> {
    const problem = putError(token, ttlSeconds);
    if (problem !== undefined) {
      return Promise.reject(problem);
    }
    this.sessions.set(token, { principal, expiresAt: this.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  revoke(token: string): Promise<void> {
    this.sessions.delete(token);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }
}
