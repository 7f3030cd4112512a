import { MemorySessionStore, RedisSessionStore, isTokenWellFormed, type RedisLike } from '../../src/auth/sessions';

const TOKEN = 'session-token-test-0001';

class FakeRedis implements RedisLike {
  readonly values = new Map<string, string>();
  readonly calls: string[] = [];

  get(key: string): Promise<string | null> {
    this.calls.push(`get ${key}`);
    return Promise.resolve(this.values.get(key) ?? null);
  }

  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown> {
    this.calls.push(`set ${key} ${mode} ${seconds}`);
    this.values.set(key, value);
    return Promise.resolve('OK');
  }

  del(key: string): Promise<number> {
    this.calls.push(`del ${key}`);
    return Promise.resolve(this.values.delete(key) ? 1 : 0);
  }

  ping(): Promise<string> {
    return Promise.resolve('PONG');
  }
}

describe('isTokenWellFormed', () => {
  it.each([
    [TOKEN, true],
    ['under_score_token_01', true],
    ['short', false],
    ['x'.repeat(129), false],
    ['has space in it 12345', false],
    ['session:injected-key-1', false],
  ])('%s is %s', (token, valid) => {
    expect(isTokenWellFormed(token)).toBe(valid);
  });
});

describe('RedisSessionStore', () => {
  it('stores and looks up a session with a ttl', async () => {
    const redis = new FakeRedis();
    const store = new RedisSessionStore(redis);
    await store.put(TOKEN, { userId: 'u1', role: 'nurse' }, 600);
    expect(redis.calls).toEqual([`set session:${TOKEN} EX 600`]);
    expect(await store.lookup(TOKEN)).toEqual({ userId: 'u1', role: 'nurse' });
  });

  it('does not query Redis for a malformed token', async () => {
    const redis = new FakeRedis();
    expect(await new RedisSessionStore(redis).lookup('bad token')).toBeUndefined();
    expect(redis.calls).toEqual([]);
  });

  it.each(['not json', 'null', '"text"', '{"userId":"u1","role":"root"}', '{"userId":"","role":"nurse"}', '{"role":"nurse"}'])(
    'treats stored value %s as no session',
    async (raw) => {
      const redis = new FakeRedis();
      redis.values.set(`session:${TOKEN}`, raw);
      expect(await new RedisSessionStore(redis).lookup(TOKEN)).toBeUndefined();
    },
  );

  it('returns undefined for an unknown token', async () => {
    expect(await new RedisSessionStore(new FakeRedis()).lookup(TOKEN)).toBeUndefined();
  });

  it('revokes a session and ignores malformed tokens', async () => {
    const redis = new FakeRedis();
    const store = new RedisSessionStore(redis);
    await store.put(TOKEN, { userId: 'u1', role: 'admin' }, 60);
    await store.revoke(TOKEN);
    await store.revoke('bad');
    expect(await store.lookup(TOKEN)).toBeUndefined();
    expect(redis.calls.filter((call) => call.startsWith('del'))).toEqual([`del session:${TOKEN}`]);
  });

  it('pings Redis and reports a failure', async () => {
    await expect(new RedisSessionStore(new FakeRedis()).ping()).resolves.toBeUndefined();
    const down = new FakeRedis();
    down.ping = () => Promise.reject(new Error('connection refused'));
    await expect(new RedisSessionStore(down).ping()).rejects.toThrow('connection refused');
  });

  it.each([
    ['short', 60, 'invalid session token'],
    [TOKEN, 0, 'invalid session ttl 0'],
    [TOKEN, 1.5, 'invalid session ttl 1.5'],
  ])('rejects put(%s, ttl %d)', async (token, ttl, message) => {
    await expect(new RedisSessionStore(new FakeRedis()).put(token, { userId: 'u', role: 'nurse' }, ttl)).rejects.toThrow(message);
  });
});

describe('MemorySessionStore', () => {
  it('expires sessions after their ttl', async () => {
    let now = 1_000;
    const store = new MemorySessionStore(() => now);
    await store.put(TOKEN, { userId: 'u1', role: 'clinician' }, 10);
    now += 9_999;
    expect(await store.lookup(TOKEN)).toEqual({ userId: 'u1', role: 'clinician' });
    now += 1;
    expect(await store.lookup(TOKEN)).toBeUndefined();
  });

  it('revokes, pings and validates like the Redis store', async () => {
    const store = new MemorySessionStore();
    await store.put(TOKEN, { userId: 'u1', role: 'auditor' }, 10);
    await store.revoke(TOKEN);
    expect(await store.lookup(TOKEN)).toBeUndefined();
    await expect(store.ping()).resolves.toBeUndefined();
    await expect(store.put('short', { userId: 'u', role: 'nurse' }, 10)).rejects.toThrow('invalid session token');
  });
});
