import { Redis } from 'ioredis';
import { RedisSessionStore } from '../../src/auth/sessions';

// Runs against a real Redis when HMS_TEST_REDIS_URL is set; the test uses keys under
// "session:" with a random suffix and deletes them. Without it the suite is skipped.
const redisUrl = process.env['HMS_TEST_REDIS_URL'];
const describeWithRedis = redisUrl === undefined || redisUrl === '' ? describe.skip : describe;

describeWithRedis('RedisSessionStore on Redis', () => {
  let redis: Redis;
  const token = `it-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(() => {
    redis = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await redis.del(`session:${token}`);
    await redis.quit();
  });

  it('stores a session with its ttl and revokes it', async () => {
    const store = new RedisSessionStore(redis);
    await store.ping();
    await store.put(token, { userId: 'rn-1', role: 'nurse' }, 120);
    expect(await store.lookup(token)).toEqual({ userId: 'rn-1', role: 'nurse' });
    const ttl = await redis.ttl(`session:${token}`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    await store.revoke(token);
    expect(await store.lookup(token)).toBeUndefined();
  });

  it('treats a corrupted entry as no session', async () => {
    await redis.set(`session:${token}`, '{"userId":"x","role":"root"}', 'EX', 60);
    expect(await new RedisSessionStore(redis).lookup(token)).toBeUndefined();
  });
});
