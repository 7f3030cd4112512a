import { isValidLoinc } from './loinc';
import type { Observation, OutcomeIssue, Patient } from './types';

/** FHIR R4 id datatype: 1 to 64 letters, digits, "-" or ".". */
export const FHIR_ID_PATTERN = /^[A-Za-z0-9.-]{1,64}$/;

const LOINC_SYSTEM = 'http://loinc.org';
// Each optional group starts with a literal "-", "T", "." or an offset sign, so these patterns
// match in linear time. safe-regex flags them only for their nesting.
/* eslint-disable security/detect-unsafe-regex -- linear, see above */
const DATE_PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(?:\.\d{1,9})?(?:Z|[+-](?:0\d|1[0-3]):[0-5]\d|[+-]14:00))?)?)?$/;
/* eslint-enable security/detect-unsafe-regex */
const GENDERS: ReadonlySet<string> = new Set(['male', 'female', 'other', 'unknown']);
const TELECOM_SYSTEMS: ReadonlySet<string> = new Set(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']);
const OBSERVATION_STATUSES: ReadonlySet<string> = new Set([
  'registered',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'cancelled',
  'entered-in-error',
  'unknown',
]);
const PATIENT_ELEMENTS: ReadonlySet<string> = new Set([
  'resourceType',
  'id',
  'meta',
  'text',
  'extension',
  'active',
  'identifier',
  'name',
  'telecom',
  'gender',
  'birthDate',
  'deceasedBoolean',
  'deceasedDateTime',
  'address',
  'maritalStatus',
  'communication',
  'generalPractitioner',
  'managingOrganization',
]);
const OBSERVATION_ELEMENTS: ReadonlySet<string> = new Set([
  'resourceType',
  'id',
  'meta',
  'text',
  'extension',
  'identifier',
  'status',
  'category',
  'code',
  'subject',
  'encounter',
  'effectiveDateTime',
  'issued',
  'performer',
  'valueQuantity',
  'valueString',
  'valueCodeableConcept',
  'valueBoolean',
  'valueInteger',
  'interpretation',
  'note',
  'referenceRange',
  'component',
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function error(expression: string, code: string, diagnostics: string): OutcomeIssue {
  return { severity: 'error', code, diagnostics, expression: [expression] };
}

/** Reports whether value is a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) naming a real day. */
export function isFhirDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  return match !== null && isRealDay(match[1], match[2], match[3]);
}

/** Reports whether value is a FHIR dateTime; a time part requires a time-zone offset. */
export function isFhirDateTime(value: string): boolean {
  const match = DATE_TIME_PATTERN.exec(value);
  return match !== null && isRealDay(match[1], match[2], match[3]);
}

function isRealDay(year?: string, month?: string, day?: string): boolean {
  if (month === undefined) {
    return true;
  }
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12) {
    return false;
  }
  if (day === undefined) {
    return true;
  }
  const daysInMonth = new Date(Date.UTC(Number(year), monthNumber, 0)).getUTCDate();
  const dayNumber = Number(day);
  return dayNumber >= 1 && dayNumber <= daysInMonth;
}

function checkUnknownElements(resource: Json, allowed: ReadonlySet<string>, issues: OutcomeIssue[]): void {
  for (const key of Object.keys(resource)) {
    if (!allowed.has(key)) {
      issues.push(error(`${String(resource['resourceType'])}.${key}`, 'structure', `unknown element "${key}"`));
    }
  }
}

function checkId(resource: Json, type: string, issues: OutcomeIssue[]): void {
  const id = resource['id'];
  if (id !== undefined && (typeof id !== 'string' || !FHIR_ID_PATTERN.test(id))) {
    issues.push(error(`${type}.id`, 'value', 'invalid id: expected 1 to 64 characters from A-Z, a-z, 0-9, "-" and "."'));
  }
}

function checkArray(resource: Json, element: string, path: string, issues: OutcomeIssue[]): Json[] {
  const value = new Map(Object.entries(resource)).get(element);
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.length === 0) {
    issues.push(error(path, 'structure', `invalid ${element}: expected a non-empty array`));
    return [];
  }
  const items: Json[] = [];
  value.forEach((item: unknown, index: number) => {
    if (isObject(item)) {
      items.push(item);
    } else {
      issues.push(error(`${path}[${index}]`, 'structure', `invalid ${element} entry: expected an object`));
    }
  });
  return items;
}

function checkPatientNames(resource: Json, issues: OutcomeIssue[]): void {
  checkArray(resource, 'name', 'Patient.name', issues).forEach((name, index) => {
    const path = `Patient.name[${index}]`;
    if (name['family'] !== undefined && typeof name['family'] !== 'string') {
      issues.push(error(`${path}.family`, 'value', 'invalid family: expected a string'));
    }
    const given = name['given'];
    if (given !== undefined && (!Array.isArray(given) || !given.every((part) => typeof part === 'string'))) {
      issues.push(error(`${path}.given`, 'value', 'invalid given: expected an array of strings'));
    }
    if (name['family'] === undefined && given === undefined && name['text'] === undefined) {
      issues.push(error(path, 'required', 'invalid name: expected family, given or text'));
    }
  });
}

function checkPatientContacts(resource: Json, issues: OutcomeIssue[]): void {
  checkArray(resource, 'identifier', 'Patient.identifier', issues).forEach((identifier, index) => {
    const value = identifier['value'];
    if (typeof value !== 'string' || value.trim() === '') {
      issues.push(error(`Patient.identifier[${index}].value`, 'required', 'missing identifier value'));
    }
    const system = identifier['system'];
    if (system !== undefined && (typeof system !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(system))) {
      issues.push(error(`Patient.identifier[${index}].system`, 'value', 'invalid identifier system: expected an absolute URI'));
    }
  });
  checkArray(resource, 'telecom', 'Patient.telecom', issues).forEach((telecom, index) => {
    const system = telecom['system'];
    if (system !== undefined && (typeof system !== 'string' || !TELECOM_SYSTEMS.has(system))) {
      issues.push(error(`Patient.telecom[${index}].system`, 'code-invalid', 'invalid telecom system: expected a ContactPointSystem code'));
    }
  });
}

/**
 * Validates a Patient against the FHIR R4 rules this service relies on: element names, id,
 * gender and ContactPointSystem codes, date format, and the shape of name and identifier.
 * Returns an empty list when the resource is valid. Diagnostics never echo a PHI value.
 */
export function validatePatient(input: unknown): OutcomeIssue[] {
  if (!isObject(input)) {
    return [error('Patient', 'structure', 'invalid resource: expected a JSON object')];
  }
  if (input['resourceType'] !== 'Patient') {
    return [error('Patient.resourceType', 'invalid', `invalid resourceType "${String(input['resourceType'])}": expected "Patient"`)];
  }
  const issues: OutcomeIssue[] = [];
  checkUnknownElements(input, PATIENT_ELEMENTS, issues);
  checkId(input, 'Patient', issues);
  if (input['active'] !== undefined && typeof input['active'] !== 'boolean') {
    issues.push(error('Patient.active', 'value', 'invalid active: expected a boolean'));
  }
  const gender = input['gender'];
  if (gender !== undefined && (typeof gender !== 'string' || !GENDERS.has(gender))) {
    issues.push(error('Patient.gender', 'code-invalid', 'invalid gender: expected male, female, other or unknown'));
  }
  const birthDate = input['birthDate'];
  if (birthDate !== undefined && (typeof birthDate !== 'string' || !isFhirDate(birthDate))) {
    issues.push(error('Patient.birthDate', 'value', 'invalid birthDate: expected a FHIR date YYYY, YYYY-MM or YYYY-MM-DD'));
  }
  checkPatientNames(input, issues);
  checkPatientContacts(input, issues);
  return issues;
}

function checkCode(code: unknown, issues: OutcomeIssue[]): void {
  if (!isObject(code)) {
    issues.push(error('Observation.code', 'required', 'missing code: expected a CodeableConcept'));
    return;
  }
  const codings = checkArray(code, 'coding', 'Observation.code.coding', issues);
  if (codings.length === 0 && typeof code['text'] !== 'string') {
    issues.push(error('Observation.code', 'required', 'invalid code: expected at least one coding or text'));
  }
  codings.forEach((coding, index) => {
    const path = `Observation.code.coding[${index}]`;
    const value = coding['code'];
    if (typeof value !== 'string' || value === '') {
      issues.push(error(`${path}.code`, 'required', 'missing coding code'));
      return;
    }
    if (coding['system'] === LOINC_SYSTEM && !isValidLoinc(value)) {
      issues.push(error(`${path}.code`, 'code-invalid', `invalid LOINC code "${value}": wrong form or check digit`));
    }
  });
}

function checkValue(input: Json, issues: OutcomeIssue[]): void {
  const valueElements = Object.keys(input).filter((key) => key.startsWith('value'));
  if (valueElements.length > 1) {
    issues.push(error('Observation.value[x]', 'structure', `invalid value[x]: found ${valueElements.join(', ')}, expected at most one`));
  }
  const quantity = input['valueQuantity'];
  if (quantity !== undefined && (!isObject(quantity) || typeof quantity['value'] !== 'number' || !Number.isFinite(quantity['value']))) {
    issues.push(error('Observation.valueQuantity.value', 'value', 'invalid valueQuantity: expected a finite number in value'));
  }
}

/**
 * Validates an Observation against the FHIR R4 rules this service relies on: element names,
 * status code, a code with valid LOINC check digits, a Patient subject reference, an effective
 * dateTime and at most one value[x]. Returns an empty list when the resource is valid.
 */
export function validateObservation(input: unknown): OutcomeIssue[] {
  if (!isObject(input)) {
    return [error('Observation', 'structure', 'invalid resource: expected a JSON object')];
  }
  if (input['resourceType'] !== 'Observation') {
    return [
      error('Observation.resourceType', 'invalid', `invalid resourceType "${String(input['resourceType'])}": expected "Observation"`),
    ];
  }
  const issues: OutcomeIssue[] = [];
  checkUnknownElements(input, OBSERVATION_ELEMENTS, issues);
  checkId(input, 'Observation', issues);
  const status = input['status'];
  if (typeof status !== 'string' || !OBSERVATION_STATUSES.has(status)) {
    issues.push(error('Observation.status', 'code-invalid', 'invalid or missing status: expected an ObservationStatus code'));
  }
  checkCode(input['code'], issues);
  const subject = input['subject'];
  if (!isObject(subject) || typeof subject['reference'] !== 'string' || !/^Patient\/[A-Za-z0-9.-]{1,64}$/.test(subject['reference'])) {
    issues.push(error('Observation.subject.reference', 'required', 'missing or invalid subject: expected "Patient/<id>"'));
  }
  const effective = input['effectiveDateTime'];
  if (effective !== undefined && (typeof effective !== 'string' || !isFhirDateTime(effective))) {
    issues.push(
      error('Observation.effectiveDateTime', 'value', 'invalid effectiveDateTime: expected a FHIR dateTime with a time-zone offset'),
    );
  }
  checkValue(input, issues);
  return issues;
}

/** Narrows a validated input to Patient; call only after validatePatient returned no issue. */
export function asPatient(input: unknown): Patient {
  return input as Patient;
}

/** Narrows a validated input to Observation; call only after validateObservation returned no issue. */
export function asObservation(input: unknown): Observation {
  return input as Observation;
}
