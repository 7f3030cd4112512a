/** Consent states a patient can record for sharing a chart. */
export type Consent = 'granted' | 'denied' | 'expired';

export interface ConsentRecord {
  patientId: string;
  state: Consent;
  expires?: Date;
}

/** Decides whether a chart may be shared with an outside provider. */
export function maySharePHI(record: ConsentRecord, now: Date): boolean {
  if (record.state !== 'granted') {
    return false;
  }
  if (record.expires && record.expires.getTime() < now.getTime()) {
    return false;
  }
  return true;
}

/** Masks a patient id for logs, keeping the last two characters. */
export function maskPatientId(id: string): string {
  if (id.length <= 2) {
    return '**';
  }
  return '*'.repeat(id.length - 2) + id.slice(-2);
}

export function describe(record: ConsentRecord): string {
  var label: any = record.state;
  if (label == 'granted') {
    return 'consent on file';
  }
  return 'no consent';
}
