import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateObservation, validatePatient } from '../../src/fhir/validate';

const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'fhir');
const SEED_FILES = [join(__dirname, '..', '..', 'db', 'seed.sql'), join(__dirname, '..', '..', 'db', 'seed-bundle.json')];

interface Resource {
  resourceType: string;
  [key: string]: unknown;
}

function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.json'));
}

function validate(resource: Resource): unknown[] {
  if (resource.resourceType === 'Patient') {
    return validatePatient(resource);
  }
  if (resource.resourceType === 'Observation') {
    return validateObservation(resource);
  }
  throw new Error(`unexpected resourceType ${resource.resourceType}`);
}

describe('FHIR fixtures', () => {
  it('has fixtures', () => {
    expect(fixtureFiles().length).toBeGreaterThanOrEqual(4);
  });

  it.each(fixtureFiles())('%s is valid', (name) => {
    const resource = JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as Resource;
    if (resource.resourceType === 'Bundle') {
      const entries = resource['entry'] as { fullUrl: string; resource: Resource; request?: { method: string } }[];
      for (const entry of entries) {
        expect(entry.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
        expect(entry.request?.method).toBe('POST');
        const issues =
          entry.resource.resourceType === 'Observation'
            ? // A transaction may point at a resource of the same Bundle by its urn:uuid.
              validateObservation({ ...entry.resource, subject: { reference: 'Patient/placeholder' } })
            : validate(entry.resource);
        expect(issues).toEqual([]);
      }
      const references = JSON.stringify(entries).match(/"reference":"urn:uuid:[0-9a-f-]+"/g) ?? [];
      const fullUrls = new Set(entries.map((entry) => entry.fullUrl));
      for (const reference of references) {
        expect(fullUrls.has(reference.slice('"reference":"'.length, -1))).toBe(true);
      }
    } else {
      expect(validate(resource)).toEqual([]);
    }
  });
});

describe('synthetic data', () => {
  const files = [...fixtureFiles().map((name) => join(FIXTURE_DIR, name)), ...SEED_FILES];

  it.each(files)('%s holds only synthetic identifiers', (file) => {
    const text = readFileSync(file, 'utf8');
    for (const ssn of text.match(/\b\d{3}-\d{2}-\d{4}\b/g) ?? []) {
      expect(Number(ssn.slice(0, 3))).toBeGreaterThanOrEqual(900);
    }
    for (const phone of text.match(/\b\d{3}-\d{4}\b/g) ?? []) {
      expect(phone).toMatch(/^555-01\d\d$/);
    }
    for (const email of text.match(/[\w.+-]+@[\w.-]+/g) ?? []) {
      expect(email.endsWith('@example.org')).toBe(true);
    }
  });
});
