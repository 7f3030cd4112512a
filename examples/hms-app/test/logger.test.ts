import { createLogger, parseLogLevel } from '../src/logging/logger';

function capture(level?: 'debug' | 'info' | 'warn' | 'error'): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({ ...(level === undefined ? {} : { level }), write: (line) => lines.push(line), now: () => new Date(0) });
  return { lines, logger };
}

describe('createLogger', () => {
  it('writes one JSON line with time, level and message', () => {
    const { lines, logger } = capture();
    logger.info('started', { port: 8080 });
    expect(lines).toEqual(['{"time":"1970-01-01T00:00:00.000Z","level":"info","msg":"started","port":8080}\n']);
  });

  it('masks PHI in fields and in the message', () => {
    const { lines, logger } = capture();
    logger.warn('lookup for 123-45-6789 failed', { birthDate: '1984-03-12', patientId: 'pat-1', note: 'mail a@example.org' });
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(entry['msg']).toBe('lookup for [SSN] failed');
    expect(entry['birthDate']).toBe('[REDACTED]');
    expect(entry['patientId']).toMatch(/^pid:/);
    expect(entry['note']).toBe('mail [EMAIL]');
  });

  it('drops entries below the level', () => {
    const { lines, logger } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['warn', 'error']);
  });

  it('logs debug when asked', () => {
    const { lines, logger } = capture('debug');
    logger.debug('d');
    expect(lines).toHaveLength(1);
  });

  it('keeps its own level and message against fields of the same name', () => {
    const { lines, logger } = capture();
    logger.info('real', { level: 'error', msg: 'forged', time: 'x' });
    expect(JSON.parse(lines[0] ?? '')).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'real' });
  });

  it('writes to stdout by default', () => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    createLogger().info('hello');
    expect(spy).toHaveBeenCalledWith(expect.stringContaining('"msg":"hello"'));
    spy.mockRestore();
  });
});

describe('parseLogLevel', () => {
  it.each(['debug', 'info', 'warn', 'error'])('accepts %s', (level) => {
    expect(parseLogLevel(level)).toBe(level);
  });

  it('rejects an unknown level', () => {
    expect(() => parseLogLevel('verbose')).toThrow('invalid log level "verbose": expected debug, info, warn or error');
  });
});
