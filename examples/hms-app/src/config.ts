import { parseLogLevel, type LogLevel } from './logging/logger';

/** Settings of the service, read from the environment. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /**
   * Require TLS to PostgreSQL with a verified certificate; off only for a local database.
   * NOTE: an sslmode parameter in DATABASE_URL takes precedence, because pg 8 applies the
   * connection string over explicit options.
   */
  databaseTls: boolean;
  logLevel: LogLevel;
  publicDir: string;
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}

/** Parses a TCP port number from 1 to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new Error(`invalid PORT "${value}": expected a whole number from 1 to 65535`);
  }
  return port;
}

function parseBoolean(name: string, value: string): boolean {
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  throw new Error(`invalid ${name} "${value}": expected true or false`);
}

/**
 * Reads the configuration. DATABASE_URL and REDIS_URL are required and come from a Kubernetes
 * Secret; their values are never logged. PORT defaults to 8080, HOST to 0.0.0.0, DATABASE_TLS to
 * true, LOG_LEVEL to info and PUBLIC_DIR to "public" under the working directory.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  return {
    port: parsePort(env['PORT'] ?? '8080'),
    host: env['HOST'] ?? '0.0.0.0',
    databaseUrl: required('DATABASE_URL', env['DATABASE_URL']),
    redisUrl: required('REDIS_URL', env['REDIS_URL']),
    databaseTls: parseBoolean('DATABASE_TLS', env['DATABASE_TLS'] ?? 'true'),
    logLevel: parseLogLevel(env['LOG_LEVEL'] ?? 'info'),
    publicDir: env['PUBLIC_DIR'] ?? 'public',
  };
}
