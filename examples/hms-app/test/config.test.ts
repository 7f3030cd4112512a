import { loadConfig } from '../src/config';

const BASE = { DATABASE_URL: 'postgres://db.internal/hms', REDIS_URL: 'redis://cache.internal:6379' };

describe('loadConfig', () => {
  it('applies defaults', () => {
    expect(loadConfig(BASE)).toEqual({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: BASE.DATABASE_URL,
      redisUrl: BASE.REDIS_URL,
      databaseTls: true,
      logLevel: 'info',
      publicDir: 'public',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({ ...BASE, PORT: '9000', HOST: '127.0.0.1', DATABASE_TLS: 'false', LOG_LEVEL: 'debug', PUBLIC_DIR: '/srv' });
    expect(config).toMatchObject({ port: 9000, host: '127.0.0.1', databaseTls: false, logLevel: 'debug', publicDir: '/srv' });
  });

  it.each([
    [{ REDIS_URL: 'redis://x' }, 'missing environment variable DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://x', REDIS_URL: ' ' }, 'missing environment variable REDIS_URL'],
    [{ ...BASE, PORT: '0' }, 'invalid PORT "0"'],
    [{ ...BASE, PORT: '65536' }, 'invalid PORT "65536"'],
    [{ ...BASE, PORT: '80a' }, 'invalid PORT "80a"'],
    [{ ...BASE, DATABASE_TLS: 'yes' }, 'invalid DATABASE_TLS "yes": expected true or false'],
    [{ ...BASE, LOG_LEVEL: 'trace' }, 'invalid log level "trace"'],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
