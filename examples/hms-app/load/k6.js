// k6 load test of the read paths of hms-app. Settings come from the environment.
// - TARGET_URL: base URL of the service. Default: http://127.0.0.1:8080, the development server.
// - VUS: number of virtual users. Default: 10.
// - DURATION: length of the steady phase, as a k6 duration. Default: 30s.
// - TOKEN: bearer token of a nurse or clinician session. Default: the development server's
//   nurse session, as in postman/local.postman_environment.json.
// The thresholds are the hmsci response-time and error-rate gates: p95 below 2 s and fewer
// than 0.1 % failed requests. k6 exits non-zero when one is crossed.
import http from 'k6/http';
import { check, fail } from 'k6';

const TARGET_URL = (__ENV.TARGET_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const VUS = Number(__ENV.VUS || '10');
const DURATION = __ENV.DURATION || '30s';
const TOKEN = __ENV.TOKEN || 'dev-token-nurse-00000001';

if (!Number.isInteger(VUS) || VUS < 1) {
  throw new Error(`invalid VUS "${__ENV.VUS}": expected a whole number of at least 1`);
}

export const options = {
  scenarios: {
    read_patients: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '10s', target: VUS },
        { duration: DURATION, target: VUS },
        { duration: '5s', target: 0 },
      ],
    },
  },
  thresholds: {
    http_req_duration: ['p(95)<2000'],
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

const params = { headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/fhir+json' } };

// Finds one patient id to read in the main loop; the development server seeds synthetic patients.
export function setup() {
  const response = http.get(`${TARGET_URL}/fhir/Patient?name=Test&_count=1`, params);
  if (response.status !== 200 || response.json('total') < 1) {
    fail(`setup: patient search at ${TARGET_URL} returned status ${response.status}; start the server with seed data and a valid TOKEN`);
  }
  return { patientId: response.json('entry.0.resource.id') };
}

export default function (data) {
  const search = http.get(`${TARGET_URL}/fhir/Patient?name=Test`, { ...params, tags: { name: 'search patients' } });
  check(search, { 'search status 200': (r) => r.status === 200 });

  const read = http.get(`${TARGET_URL}/fhir/Patient/${data.patientId}`, { ...params, tags: { name: 'read patient' } });
  check(read, { 'read status 200': (r) => r.status === 200 });

  const observations = http.get(`${TARGET_URL}/fhir/Observation?patient=${data.patientId}`, {
    ...params,
    tags: { name: 'search observations' },
  });
  check(observations, { 'observations status 200': (r) => r.status === 200 });
}
