import { FHIR_ID_PATTERN } from '../fhir/validate';
import { HttpError } from './errors';

/** Default and maximum page size of search interactions. */
export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;

/** Parses the _count search parameter: a whole number from 1 to MAX_COUNT, default DEFAULT_COUNT. */
export function parseCount(url: URL): number {
  const raw = url.searchParams.get('_count');
  if (raw === null) {
    return DEFAULT_COUNT;
  }
  const count = Number(raw);
  if (!/^\d+$/.test(raw) || count < 1 || count > MAX_COUNT) {
    throw HttpError.of(400, 'value', `invalid _count "${raw}": expected a whole number from 1 to ${MAX_COUNT}`);
  }
  return count;
}

/** Checks that a path or query value is a FHIR id; the value is not echoed because it may be PHI. */
export function requireId(value: string | null | undefined, name: string): string {
  if (value === null || value === undefined || !FHIR_ID_PATTERN.test(value)) {
    throw HttpError.of(
      400,
      'value',
      `invalid or missing ${name}: expected a FHIR id of 1 to 64 characters from A-Z, a-z, 0-9, "-" and "."`,
    );
  }
  return value;
}

/** Returns an optional text search parameter trimmed, rejecting empty or over-long values. */
export function optionalText(url: URL, name: string, maxLength: number): string | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) {
    return undefined;
  }
  const value = raw.trim();
  if (value === '' || value.length > maxLength) {
    throw HttpError.of(400, 'value', `invalid ${name}: expected 1 to ${maxLength} characters`);
  }
  return value;
}

/** Parses an If-Match header of the form W/"<version>"; returns undefined when absent. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) {
    return undefined;
  }
  const match = /^W\/"(\d+)"$/.exec(header.trim());
  if (match === null) {
    throw HttpError.of(400, 'value', `invalid If-Match "${header}": expected W/"<version>"`);
  }
  return Number(match[1]);
}
