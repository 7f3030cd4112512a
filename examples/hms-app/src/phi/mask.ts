import { createHash } from 'node:crypto';

/** Replacement for a value that must never appear in logs. */
export const REDACTED = '[REDACTED]';

/**
 * Object keys whose values are PHI under the HIPAA Safe Harbor list (names, dates tied to a
 * person, contact details, addresses, record numbers and other identifiers). Compared in lower case.
 */
const PHI_KEYS: ReadonlySet<string> = new Set([
  'name',
  'given',
  'family',
  'prefix',
  'suffix',
  'birthdate',
  'dob',
  'dateofbirth',
  'deceaseddatetime',
  'ssn',
  'mrn',
  'identifier',
  'telecom',
  'phone',
  'email',
  'address',
  'line',
  'city',
  'postalcode',
  'contact',
  'photo',
  'div',
  'password',
  'token',
  'authorization',
]);

/**
 * Keys that hold a patient's logical id. Their values are replaced by a pseudonym so that log
 * lines about one patient can still be correlated without the raw id.
 */
const PSEUDONYM_KEYS: ReadonlySet<string> = new Set(['patientid', 'subjectid', 'resourceid']);

const MAX_DEPTH = 8;

// Each optional or repeated group below begins with a character that the item before it cannot
// match, so the patterns match in linear time. safe-regex flags them only for their nesting.
const SSN_PATTERN = /\b\d{3}-\d{2}-\d{4}\b/g;
// eslint-disable-next-line security/detect-unsafe-regex -- linear, see above
const EMAIL_PATTERN = /[\w.%+-]+@[\w-]+(?:\.[\w-]+)+/g;
// eslint-disable-next-line security/detect-unsafe-regex -- linear, see above
const PHONE_PATTERN = /(?:\+1[ .-]?)?\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b/g;
// eslint-disable-next-line security/detect-unsafe-regex -- linear, see above
const DATE_PATTERN = /\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?\b/g;

/** Returns a stable, non-reversible pseudonym ("pid:" and 12 hex digits of SHA-256) for an id. */
export function pseudonymize(id: string): string {
  return `pid:${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
}

/** Replaces SSNs, e-mail addresses, phone numbers and dates inside free text. */
export function maskText(text: string): string {
  return text
    .replace(SSN_PATTERN, '[SSN]')
    .replace(EMAIL_PATTERN, '[EMAIL]')
    .replace(DATE_PATTERN, '[DATE]')
    .replace(PHONE_PATTERN, '[PHONE]');
}

/**
 * Returns a deep copy of value that is safe to log: values under PHI keys are redacted, patient
 * ids are pseudonymized, strings are passed through maskText, and Error objects keep only their
 * name and masked message. Cycles and nesting deeper than 8 levels become "[TRUNCATED]".
 */
export function maskPhi(value: unknown): unknown {
  return maskValue(value, 0, new WeakSet());
}

function maskValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') {
    return maskText(value);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (depth >= MAX_DEPTH || seen.has(value)) {
    return '[TRUNCATED]';
  }
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: maskText(value.message) };
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => maskValue(item, depth + 1, seen));
  }
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, maskField(key, field, depth, seen)]));
}

function maskField(key: string, field: unknown, depth: number, seen: WeakSet<object>): unknown {
  const lower = key.toLowerCase();
  if (PHI_KEYS.has(lower)) {
    return REDACTED;
  }
  if (PSEUDONYM_KEYS.has(lower) && typeof field === 'string') {
    return pseudonymize(field);
  }
  return maskValue(field, depth + 1, seen);
}
