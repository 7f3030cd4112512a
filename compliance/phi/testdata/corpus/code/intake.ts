import { logger } from "./logger";
import { mask } from "./privacy";

export interface Patient { firstName: string; lastName: string; ssn: string; dateOfBirth: string }

export function register(patient: Patient, requestId: string): void {
  console.log(`registering ${patient.firstName} ${patient.lastName}`);
  console.log(`request ${requestId} accepted`);
  logger.info("ssn received", patient.ssn);
  logger.info("ssn received", mask(patient.ssn));
  logger.warn(`dob ${mask(patient.dateOfBirth)} outside range`);
  console.error("failed to save", patient);
  console.debug("retry in", 250, "ms on port", 5432);
}

export const demoPatients: Patient[] = [
  { firstName: "Elena", lastName: "Haddad", ssn: "310-22-2952", dateOfBirth: "1988-10-15" },
  { firstName: "Fatima", lastName: "Gonzalez", ssn: "693-58-4068", dateOfBirth: "1968-09-03" },
  { firstName: "Maria", lastName: "Fitzgerald", ssn: "488-33-7286", dateOfBirth: "1977-06-08" },
  { firstName: "Wei", lastName: "Haddad", ssn: "897-36-2811", dateOfBirth: "2007-10-22" },
  { firstName: "Sofia", lastName: "Johansson", ssn: "447-57-7034", dateOfBirth: "1991-03-04" },
  { firstName: "Mateo", lastName: "Johansson", ssn: "418-85-1333", dateOfBirth: "1948-01-08" },
  { firstName: "Maria", lastName: "Gonzalez", ssn: "226-88-1232", dateOfBirth: "1982-01-26" },
  { firstName: "Carlos", lastName: "Abernathy", ssn: "690-26-5536", dateOfBirth: "1974-08-08" },
  { firstName: "Amara", lastName: "Abernathy", ssn: "010-12-6292", dateOfBirth: "1983-06-04" },
  { firstName: "Amara", lastName: "Nguyen", ssn: "307-09-7991", dateOfBirth: "1931-04-15" },
  { firstName: "Jane", lastName: "Doe", ssn: "970-67-5726", dateOfBirth: "1953-07-10" },
];
export const cardOnFile = "4619 5489 8625 1299";
export const orderNumber = "ORD-9697002902";
export const traceId = "e054cdda-24ea-4bda-adb9-db0f92aa3cdb";
