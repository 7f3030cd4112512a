import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { createApp } from './app';
import { PgAuditStore } from './audit/audit';
import { RedisSessionStore } from './auth/sessions';
import { loadConfig } from './config';
import { loadStaticFiles } from './http/static';
import { createLogger } from './logging/logger';
import { PgObservationRepository } from './observations/repository';
import { PgPatientRepository } from './patients/repository';

/** Starts the service against PostgreSQL and Redis, and stops it cleanly on SIGTERM. */
function main(): void {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  const pool = new Pool({
    connectionString: config.databaseUrl,
    ...(config.databaseTls ? { ssl: { rejectUnauthorized: true } } : {}),
  });
  const redis = new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const now = (): Date => new Date();
  const app = createApp(
    {
      patients: new PgPatientRepository(pool, now),
      observations: new PgObservationRepository(pool, now),
      auditStore: new PgAuditStore(pool),
      sessions: new RedisSessionStore(redis),
      logger,
      now,
      newId: randomUUID,
    },
    { staticFiles: loadStaticFiles(config.publicDir) },
  );
  const server = createServer((req, res) => void app(req, res));
  server.listen(config.port, config.host, () => {
    logger.info('server started', { host: config.host, port: config.port });
  });

  process.once('SIGTERM', () => {
    logger.info('server stopping on SIGTERM');
    server.close(() => {
      void Promise.allSettled([pool.end(), redis.quit()]).then(() => {
        logger.info('server stopped');
      });
    });
  });
}

main();
