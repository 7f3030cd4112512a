import { maskPhi, maskText } from '../phi/mask';

/** Log severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: ReadonlyMap<LogLevel, number> = new Map<LogLevel, number>([
  ['debug', 10],
  ['info', 20],
  ['warn', 30],
  ['error', 40],
]);

function rank(level: LogLevel): number {
  return LEVEL_ORDER.get(level) ?? 0;
}

/** Structured logger whose every field passes through maskPhi before it is written. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Options of createLogger. */
export interface LoggerOptions {
  /** Lowest level written; defaults to "info". */
  level?: LogLevel;
  /** Receives one JSON line per entry; defaults to process.stdout. */
  write?: (line: string) => void;
  /** Clock for the "time" field; defaults to the system clock. */
  now?: () => Date;
}

/** Parses a LOG_LEVEL value, rejecting anything but the four known levels. */
export function parseLogLevel(value: string): LogLevel {
  if (value === 'debug' || value === 'info' || value === 'warn' || value === 'error') {
    return value;
  }
  throw new Error(`invalid log level "${value}": expected debug, info, warn or error`);
}

/**
 * Creates a JSON-lines logger. The message and every field are masked with maskText and maskPhi,
 * so a caller that passes a patient resource by mistake still logs no PHI.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = rank(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());

  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (rank(level) < threshold) {
      return;
    }
    const header = { time: now().toISOString(), level, msg: maskText(message) };
    const masked = fields === undefined ? {} : (maskPhi(fields) as Record<string, unknown>);
    // The header is applied last so that a field named "level" or "msg" cannot forge it.
    const entry = { ...header, ...masked, ...header };
    write(`${JSON.stringify(entry)}\n`);
  };

  return {
    debug: (message, fields) => {
      log('debug', message, fields);
    },
    info: (message, fields) => {
      log('info', message, fields);
    },
    warn: (message, fields) => {
      log('warn', message, fields);
    },
    error: (message, fields) => {
      log('error', message, fields);
    },
  };
}
