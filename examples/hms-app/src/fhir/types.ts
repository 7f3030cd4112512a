/** Subset of the FHIR R4 data types that this service reads and writes. */

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  system?: string;
  value?: string;
}

export interface HumanName {
  use?: string;
  family?: string;
  given?: string[];
  text?: string;
}

export interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
}

export interface Reference {
  reference?: string;
  display?: string;
}

export interface Quantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface Meta {
  versionId?: string;
  lastUpdated?: string;
}

/** FHIR R4 Patient resource, restricted to the elements the service uses. */
export interface Patient {
  resourceType: 'Patient';
  id?: string;
  meta?: Meta;
  active?: boolean;
  identifier?: Identifier[];
  name?: HumanName[];
  telecom?: ContactPoint[];
  gender?: 'male' | 'female' | 'other' | 'unknown';
  birthDate?: string;
  [element: string]: unknown;
}

/** FHIR R4 Observation resource, restricted to the elements the service uses. */
export interface Observation {
  resourceType: 'Observation';
  id?: string;
  meta?: Meta;
  status: string;
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject?: Reference;
  effectiveDateTime?: string;
  valueQuantity?: Quantity;
  valueString?: string;
  valueCodeableConcept?: CodeableConcept;
  [element: string]: unknown;
}

/** One entry of an OperationOutcome. */
export interface OutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  diagnostics: string;
  expression?: string[];
}

/** FHIR R4 OperationOutcome, returned with every error response. */
export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OutcomeIssue[];
}

/** FHIR R4 Bundle of type searchset, returned by search interactions. */
export interface SearchBundle<T> {
  resourceType: 'Bundle';
  type: 'searchset';
  total: number;
  entry: { fullUrl: string; resource: T; search: { mode: 'match' } }[];
}
