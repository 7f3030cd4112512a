import { MemoryAuditStore, type AuditEvent } from '../src/audit/audit';
import { MAX_BODY_BYTES } from '../src/http/request';
import { PATIENT_ID, TOKENS, call, sampleObservation, samplePatient, startTestApp, type TestApp } from './helpers';

let app: TestApp;

beforeEach(async () => {
  app = await startTestApp();
});

afterEach(async () => {
  await app.close();
});

function lastAudit(): AuditEvent {
  const event = app.deps.auditStore.events.at(-1);
  if (event === undefined) {
    throw new Error('no audit event recorded');
  }
  return event;
}

describe('patient read', () => {
  it('returns the patient to a clinician and audits the read', async () => {
    const response = await call(app, 'GET', `/fhir/Patient/${PATIENT_ID}`, { role: 'clinician' });
    expect(response.status).toBe(200);
    expect(response.body.resourceType).toBe('Patient');
    expect(response.body.id).toBe(PATIENT_ID);
    expect(response.headers.get('etag')).toBe('W/"1"');
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(lastAudit()).toMatchObject({
      actorId: 'user-clinician',
      actorRole: 'clinician',
      action: 'read',
      resourceType: 'Patient',
      resourceId: PATIENT_ID,
      patientId: PATIENT_ID,
      outcome: 'success',
      time: '2026-11-10T12:00:00.000Z',
    });
  });

  it('defaults to version 1 for a stored patient without meta', async () => {
    app.deps.patients.get = () => Promise.resolve({ resourceType: 'Patient', id: PATIENT_ID });
    const response = await call(app, 'GET', `/fhir/Patient/${PATIENT_ID}`, { role: 'clinician' });
    expect(response.headers.get('etag')).toBe('W/"1"');
    expect(response.headers.get('location')).toBe(`/fhir/Patient/${PATIENT_ID}/_history/1`);
  });

  it('returns 404 for an unknown patient and audits it', async () => {
    const response = await call(app, 'GET', '/fhir/Patient/missing-1', { role: 'nurse' });
    expect(response.status).toBe(404);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(response.body.issue[0].code).toBe('not-found');
    expect(lastAudit()).toMatchObject({ action: 'read', patientId: 'missing-1', outcome: 'not-found' });
  });

  it('rejects an id that is not a FHIR id without echoing it', async () => {
    const response = await call(app, 'GET', '/fhir/Patient/123-45-6789%20x', { role: 'clinician' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).not.toContain('123-45-6789');
  });

  it('returns 404 for a path whose escape is malformed', async () => {
    const response = await call(app, 'GET', '/fhir/Patient/%E0%A4%A', { role: 'clinician' });
    expect(response.status).toBe(404);
  });
});

describe('access control', () => {
  it('rejects a request without a token with 401 and audits the denial', async () => {
    const response = await call(app, 'GET', `/fhir/Patient/${PATIENT_ID}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(lastAudit()).toMatchObject({ actorId: 'anonymous', actorRole: 'none', outcome: 'denied', resourceType: 'Patient' });
  });

  it('rejects an unknown token with 401', async () => {
    const response = await call(app, 'GET', `/fhir/Patient/${PATIENT_ID}`, { token: 'not-a-session-token-00' });
    expect(response.status).toBe(401);
  });

  it('rejects a malformed authorization header with 401', async () => {
    const response = await call(app, 'GET', `/fhir/Patient/${PATIENT_ID}`, { headers: { authorization: 'Basic abc' } });
    expect(response.status).toBe(401);
  });

  it.each([
    ['auditor', 'GET', `/fhir/Patient/${PATIENT_ID}`],
    ['auditor', 'GET', `/fhir/Observation?patient=${PATIENT_ID}`],
    ['nurse', 'POST', '/fhir/Patient'],
    ['nurse', 'PUT', `/fhir/Patient/${PATIENT_ID}`],
    ['admin', 'GET', `/fhir/Observation?patient=${PATIENT_ID}`],
    ['admin', 'POST', '/fhir/Observation'],
    ['clinician', 'GET', '/audit'],
    ['nurse', 'GET', '/audit'],
  ] as const)('denies %s %s %s with 403 and audits it', async (role, method, path) => {
    const response = await call(app, method, path, { role });
    expect(response.status).toBe(403);
    expect(response.body.issue[0].diagnostics).toContain(`role ${role} lacks permission`);
    expect(lastAudit()).toMatchObject({
      actorRole: role,
      outcome: 'denied',
      action: { GET: 'read', POST: 'create', PUT: 'update' }[method],
    });
  });

  it('allows the health probes without a token', async () => {
    expect((await call(app, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(app, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
  });

  it('returns 404 for an unknown path and 405 for a wrong method', async () => {
    expect((await call(app, 'GET', '/admin', { role: 'admin' })).status).toBe(404);
    expect((await call(app, 'PUT', '/fhir/Patient', { role: 'clinician' })).status).toBe(405);
  });
});

describe('patient search', () => {
  it('finds patients by name prefix and audits one event per match', async () => {
    const response = await call(app, 'GET', '/fhir/Patient?name=testp', { role: 'admin' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(response.body.entry[0].fullUrl).toBe(`/fhir/Patient/${PATIENT_ID}`);
    expect(response.body.entry[0].search).toEqual({ mode: 'match' });
    expect(lastAudit()).toMatchObject({ action: 'search', patientId: PATIENT_ID, outcome: 'success' });
  });

  it('finds patients by identifier', async () => {
    const response = await call(app, 'GET', '/fhir/Patient?identifier=MRN-200001', { role: 'nurse' });
    expect(response.body.total).toBe(1);
  });

  it('audits a search without matches as not-found', async () => {
    const response = await call(app, 'GET', '/fhir/Patient?name=Nobody', { role: 'nurse' });
    expect(response.body.total).toBe(0);
    expect(response.body.entry).toEqual([]);
    expect(lastAudit()).toMatchObject({ action: 'search', outcome: 'not-found' });
    expect(lastAudit().patientId).toBeUndefined();
  });

  it.each([
    ['', 'missing search parameter'],
    ['?name=', 'invalid name'],
    [`?name=${'x'.repeat(65)}`, 'invalid name'],
    ['?name=a&_count=0', 'invalid _count'],
    ['?name=a&_count=101', 'invalid _count'],
    ['?name=a&_count=2.5', 'invalid _count'],
  ])('rejects query "%s"', async (query, message) => {
    const response = await call(app, 'GET', `/fhir/Patient${query}`, { role: 'clinician' });
    expect(response.status).toBe(400);
    expect(response.body.issue[0].diagnostics).toContain(message);
  });

  it('limits the result with _count', async () => {
    await call(app, 'POST', '/fhir/Patient', { role: 'clinician', body: samplePatient() });
    const response = await call(app, 'GET', '/fhir/Patient?name=Test&_count=1', { role: 'clinician' });
    expect(response.body.total).toBe(1);
  });
});

describe('patient create and update', () => {
  it('creates a patient with a server-assigned id and audits it', async () => {
    const response = await call(app, 'POST', '/fhir/Patient', { role: 'admin', body: { ...samplePatient(), id: 'client-id' } });
    expect(response.status).toBe(201);
    expect(response.body.id).toBe('id-0001');
    expect(response.body.meta).toEqual({ versionId: '1', lastUpdated: '2026-11-10T12:00:00.000Z' });
    expect(response.headers.get('location')).toBe('/fhir/Patient/id-0001/_history/1');
    expect(lastAudit()).toMatchObject({ action: 'create', patientId: 'id-0001', outcome: 'success' });
  });

  it('rejects an invalid patient with the FHIR issues and audits it', async () => {
    const response = await call(app, 'POST', '/fhir/Patient', { role: 'clinician', body: { ...samplePatient(), gender: 'f' } });
    expect(response.status).toBe(400);
    expect(response.body.issue[0].expression).toEqual(['Patient.gender']);
    expect(lastAudit()).toMatchObject({ action: 'create', outcome: 'invalid' });
  });

  it.each([
    ['text/plain', '{}', 415],
    ['application/fhir+json', '{not json', 400],
  ])('rejects content type %s body %s', async (contentType, body, status) => {
    const response = await call(app, 'POST', '/fhir/Patient', { role: 'clinician', body, headers: { 'content-type': contentType } });
    expect(response.status).toBe(status);
  });

  it('rejects a body over the size limit with 413', async () => {
    const body = JSON.stringify({ ...samplePatient(), padding: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await call(app, 'POST', '/fhir/Patient', { role: 'clinician', body });
    expect(response.status).toBe(413);
  });

  it('updates a patient, bumps the version and audits it', async () => {
    const response = await call(app, 'PUT', `/fhir/Patient/${PATIENT_ID}`, {
      role: 'clinician',
      body: { ...samplePatient(), id: PATIENT_ID, active: false },
      headers: { 'if-match': 'W/"1"' },
    });
    expect(response.status).toBe(200);
    expect(response.body.meta.versionId).toBe('2');
    expect(response.body.active).toBe(false);
    expect(lastAudit()).toMatchObject({ action: 'update', patientId: PATIENT_ID, outcome: 'success' });
  });

  it('rejects an update with a stale If-Match with 409', async () => {
    const response = await call(app, 'PUT', `/fhir/Patient/${PATIENT_ID}`, {
      role: 'clinician',
      body: { ...samplePatient(), id: PATIENT_ID },
      headers: { 'if-match': 'W/"7"' },
    });
    expect(response.status).toBe(409);
    expect(response.body.issue[0].diagnostics).toBe('version conflict: expected version 7, current version is 1');
    expect(app.logLines.at(-1)).toContain('"route":"/fhir/Patient/:id","status":409');
    expect(lastAudit()).toMatchObject({ action: 'update', patientId: PATIENT_ID, outcome: 'conflict' });
  });

  it('rejects a malformed If-Match with 400', async () => {
    const response = await call(app, 'PUT', `/fhir/Patient/${PATIENT_ID}`, {
      role: 'clinician',
      body: { ...samplePatient(), id: PATIENT_ID },
      headers: { 'if-match': '"1"' },
    });
    expect(response.status).toBe(400);
  });

  it('rejects an update whose body id differs from the URL', async () => {
    const response = await call(app, 'PUT', `/fhir/Patient/${PATIENT_ID}`, {
      role: 'clinician',
      body: { ...samplePatient(), id: 'other' },
    });
    expect(response.status).toBe(400);
    expect(response.body.issue[0].code).toBe('invariant');
  });

  it('returns 404 when updating an unknown patient and audits it', async () => {
    const response = await call(app, 'PUT', '/fhir/Patient/nobody', { role: 'clinician', body: { ...samplePatient(), id: 'nobody' } });
    expect(response.status).toBe(404);
    expect(lastAudit()).toMatchObject({ action: 'update', patientId: 'nobody', outcome: 'not-found' });
  });

  it('audits an invalid update with the patient id', async () => {
    const response = await call(app, 'PUT', `/fhir/Patient/${PATIENT_ID}`, {
      role: 'clinician',
      body: { resourceType: 'Patient', birthDate: 'x' },
    });
    expect(response.status).toBe(400);
    expect(lastAudit()).toMatchObject({ action: 'update', patientId: PATIENT_ID, outcome: 'invalid' });
  });
});

describe('observations', () => {
  it('creates, reads and searches an observation, auditing each step', async () => {
    const created = await call(app, 'POST', '/fhir/Observation', { role: 'nurse', body: sampleObservation() });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe('id-0001');
    expect(lastAudit()).toMatchObject({ action: 'create', resourceType: 'Observation', patientId: PATIENT_ID, outcome: 'success' });

    const read = await call(app, 'GET', '/fhir/Observation/id-0001', { role: 'clinician' });
    expect(read.status).toBe(200);
    expect(read.body.code.coding[0].code).toBe('8867-4');
    expect(lastAudit()).toMatchObject({ action: 'read', resourceId: 'id-0001', patientId: PATIENT_ID, outcome: 'success' });

    const search = await call(app, 'GET', `/fhir/Observation?patient=${PATIENT_ID}&code=8867-4`, { role: 'nurse' });
    expect(search.body.total).toBe(1);
    expect(search.body.entry[0].fullUrl).toBe('/fhir/Observation/id-0001');
    expect(lastAudit()).toMatchObject({ action: 'search', patientId: PATIENT_ID, outcome: 'success' });

    const otherCode = await call(app, 'GET', `/fhir/Observation?patient=${PATIENT_ID}&code=8310-5`, { role: 'nurse' });
    expect(otherCode.body.total).toBe(0);
    expect(lastAudit()).toMatchObject({ action: 'search', outcome: 'not-found' });
  });

  it('returns 404 for an unknown observation and audits it', async () => {
    const response = await call(app, 'GET', '/fhir/Observation/none', { role: 'clinician' });
    expect(response.status).toBe(404);
    expect(lastAudit()).toMatchObject({ action: 'read', resourceId: 'none', outcome: 'not-found' });
    expect(lastAudit().patientId).toBeUndefined();
  });

  it('requires the patient search parameter', async () => {
    const response = await call(app, 'GET', '/fhir/Observation', { role: 'clinician' });
    expect(response.status).toBe(400);
    expect(response.body.issue[0].diagnostics).toContain('patient search parameter');
  });

  it('rejects an observation with a wrong LOINC check digit and audits it', async () => {
    const observation = sampleObservation();
    observation.code = { coding: [{ system: 'http://loinc.org', code: '8867-5' }] };
    const response = await call(app, 'POST', '/fhir/Observation', { role: 'clinician', body: observation });
    expect(response.status).toBe(400);
    expect(response.body.issue[0].diagnostics).toContain('invalid LOINC code "8867-5"');
    expect(lastAudit()).toMatchObject({ action: 'create', resourceType: 'Observation', outcome: 'invalid' });
  });

  it('rejects an observation about an unknown patient with 422', async () => {
    const response = await call(app, 'POST', '/fhir/Observation', {
      role: 'clinician',
      body: { ...sampleObservation(), subject: { reference: 'Patient/ghost' } },
    });
    expect(response.status).toBe(422);
    expect(lastAudit()).toMatchObject({ patientId: 'ghost', outcome: 'not-found' });
  });
});

describe('audit trail endpoint', () => {
  it('lists events for a patient to an auditor and audits the listing', async () => {
    await call(app, 'GET', `/fhir/Patient/${PATIENT_ID}`, { role: 'clinician' });
    const response = await call(app, 'GET', `/audit?patient=${PATIENT_ID}&actor=user-clinician`, { role: 'auditor' });
    expect(response.status).toBe(200);
    expect(response.body.events).toHaveLength(1);
    expect(response.body.events[0]).toMatchObject({ actorId: 'user-clinician', action: 'read' });
    expect(lastAudit()).toMatchObject({ actorRole: 'auditor', resourceType: 'AuditEvent', action: 'search', patientId: PATIENT_ID });
  });

  it('lists all events without filters', async () => {
    const response = await call(app, 'GET', '/audit?_count=5', { role: 'auditor' });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.body.events)).toBe(true);
  });

  it.each(['patient', 'actor'])('rejects an invalid %s filter', async (name) => {
    const response = await call(app, 'GET', `/audit?${name}=a%20b`, { role: 'auditor' });
    expect(response.status).toBe(400);
    expect(response.body.issue[0].diagnostics).toContain(`invalid ${name} parameter`);
  });
});

describe('failures', () => {
  it('returns 500 when the patient store fails during an update', async () => {
    app.deps.patients.update = () => Promise.reject(new Error('connection reset'));
    const response = await call(app, 'PUT', `/fhir/Patient/${PATIENT_ID}`, {
      role: 'clinician',
      body: { ...samplePatient(), id: PATIENT_ID },
    });
    expect(response.status).toBe(500);
  });

  it('fails the request when the audit store fails, and logs no PHI', async () => {
    await app.close();
    const failing = new MemoryAuditStore();
    failing.record = () => Promise.reject(new Error('audit store down for 123-45-6789'));
    app = await startTestApp({ auditStore: failing });
    const response = await call(app, 'GET', `/fhir/Patient/${PATIENT_ID}`, { role: 'clinician' });
    expect(response.status).toBe(500);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(response.body.issue[0].diagnostics).toContain('internal error; quote request id');
    expect(JSON.stringify(response.body)).not.toContain('Testpatient');
    const errorLine = app.logLines.find((line) => line.includes('"level":"error"'));
    expect(errorLine).toContain('[SSN]');
    expect(errorLine).not.toContain('123-45-6789');
  });

  it('reports not ready when the database does not answer', async () => {
    app.deps.patients.ping = () => Promise.reject(new Error('connection refused'));
    const response = await call(app, 'GET', '/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable' });
  });

  it('keeps a well-formed request id and replaces a bad one', async () => {
    const kept = await call(app, 'GET', '/healthz', { headers: { 'x-request-id': 'abcdef12-3456' } });
    expect(kept.headers.get('x-request-id')).toBe('abcdef12-3456');
    const replaced = await call(app, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id!' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('access log', () => {
  it('names the route pattern and never the patient id or name', async () => {
    await call(app, 'GET', `/fhir/Patient/${PATIENT_ID}`, { role: 'clinician' });
    await call(app, 'GET', '/fhir/Patient?name=Testpatient', { role: 'clinician' });
    const requestLines = app.logLines.filter((line) => line.includes('"msg":"request"'));
    expect(requestLines).toHaveLength(2);
    expect(requestLines[0]).toContain('"route":"/fhir/Patient/:id"');
    expect(requestLines[1]).toContain('"route":"/fhir/Patient"');
    for (const line of app.logLines) {
      expect(line).not.toContain(PATIENT_ID);
      expect(line).not.toContain('Testpatient');
    }
  });
});

describe('patient-search page', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', '<title>Patient search</title>'],
    ['/search.js', 'text/javascript; charset=utf-8', 'textContent'],
    ['/style.css', 'text/css; charset=utf-8', 'border-collapse'],
    ['/favicon.svg', 'image/svg+xml', '<svg'],
  ])('serves %s', async (path, contentType, snippet) => {
    const response = await fetch(`${app.baseUrl}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain(snippet);
  });

  it('does not serve other files', async () => {
    const response = await fetch(`${app.baseUrl}/../package.json`);
    expect(response.status).toBe(404);
  });
});

it('has one token per role', () => {
  expect(Object.keys(TOKENS)).toEqual(['clinician', 'nurse', 'admin', 'auditor']);
});
