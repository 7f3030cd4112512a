import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError, operationOutcome } from '../src/http/errors';
import { parseCount, parseIfMatch, requireId } from '../src/http/params';
import { matchRoute, type Route } from '../src/http/router';
import { loadStaticFiles } from '../src/http/static';

const handler: Route['handler'] = () => Promise.resolve({ status: 200, body: {} });
const ROUTES: Route[] = [
  { method: 'GET', path: '/fhir/Patient', permission: 'patient:read', handler },
  { method: 'GET', path: '/fhir/Patient/:id', permission: 'patient:read', handler },
  { method: 'PUT', path: '/fhir/Patient/:id', permission: 'patient:write', handler },
];

describe('matchRoute', () => {
  it('matches static and parameter segments', () => {
    expect(matchRoute(ROUTES, 'GET', '/fhir/Patient')).toMatchObject({ route: ROUTES[0], params: {} });
    expect(matchRoute(ROUTES, 'GET', '/fhir/Patient/a%2Fb')).toMatchObject({ route: ROUTES[1], params: { id: 'a/b' } });
    expect(matchRoute(ROUTES, 'PUT', '/fhir/Patient/p1/')).toMatchObject({ route: ROUTES[2], params: { id: 'p1' } });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(matchRoute(ROUTES, 'DELETE', '/fhir/Patient/p1')).toBe('method-not-allowed');
    expect(matchRoute(ROUTES, 'GET', '/fhir/Patient/p1/history')).toBeUndefined();
    expect(matchRoute(ROUTES, 'GET', '/fhir/Observation')).toBeUndefined();
    expect(matchRoute(ROUTES, 'GET', '/fhir/Patient/%zz')).toBeUndefined();
  });
});

describe('HttpError', () => {
  it('joins diagnostics into its message and wraps issues in an OperationOutcome', () => {
    const err = new HttpError(400, [
      { severity: 'error', code: 'value', diagnostics: 'a' },
      { severity: 'error', code: 'value', diagnostics: 'b' },
    ]);
    expect(err.message).toBe('a; b');
    expect(operationOutcome(err.issues)).toEqual({ resourceType: 'OperationOutcome', issue: err.issues });
  });
});

describe('params', () => {
  it('parses _count with a default', () => {
    expect(parseCount(new URL('http://x/p'))).toBe(20);
    expect(parseCount(new URL('http://x/p?_count=100'))).toBe(100);
    expect(() => parseCount(new URL('http://x/p?_count=-1'))).toThrow('invalid _count "-1"');
  });

  it('requires a FHIR id', () => {
    expect(requireId('p-1.2', 'id')).toBe('p-1.2');
    expect(() => requireId(null, 'patient id')).toThrow('invalid or missing patient id');
    expect(() => requireId(undefined, 'patient id')).toThrow('invalid or missing patient id');
  });

  it('parses If-Match', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch(' W/"12" ')).toBe(12);
    expect(() => parseIfMatch('12')).toThrow('invalid If-Match "12"');
  });
});

describe('loadStaticFiles', () => {
  it('loads the four page files', () => {
    const files = loadStaticFiles(join(__dirname, '..', 'public'));
    expect([...files.keys()]).toEqual(['/', '/search.js', '/style.css', '/favicon.svg']);
  });

  it('names the missing file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'hms-static-'));
    writeFileSync(join(directory, 'index.html'), '<p>x</p>');
    expect(() => loadStaticFiles(directory)).toThrow(`read static file "${join(directory, 'search.js')}"`);
  });
});
