import type { OperationOutcome, OutcomeIssue } from '../fhir/types';

/** Error that maps to an HTTP status and a FHIR OperationOutcome body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly issues: OutcomeIssue[],
  ) {
    super(issues.map((issue) => issue.diagnostics).join('; '));
    this.name = 'HttpError';
  }

  /** Creates an HttpError with one issue. */
  static of(status: number, code: string, diagnostics: string): HttpError {
    return new HttpError(status, [{ severity: 'error', code, diagnostics }]);
  }
}

/** Wraps issues in an OperationOutcome resource. */
export function operationOutcome(issues: OutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}
