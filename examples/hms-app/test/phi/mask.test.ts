import { REDACTED, maskPhi, maskText, pseudonymize } from '../../src/phi/mask';

describe('maskText', () => {
  it.each([
    ['ssn 123-45-6789 on file', 'ssn [SSN] on file'],
    ['mail jane.doe+x@example.org now', 'mail [EMAIL] now'],
    ['call 555-0100-1234', 'call 555-0100-1234'],
    ['call 617-555-0142', 'call [PHONE]'],
    ['call (617) 555-0142', 'call [PHONE]'],
    ['call +1 617.555.0142', 'call [PHONE]'],
    ['born 1984-03-12', 'born [DATE]'],
    ['seen 2026-11-02T08:15:00Z', 'seen [DATE]'],
    ['seen 2026-11-02T08:15:00+01:00', 'seen [DATE]'],
    ['order 12345 shipped', 'order 12345 shipped'],
  ])('masks %j', (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });
});

describe('pseudonymize', () => {
  it('is stable, short and hides the id', () => {
    const first = pseudonymize('pat-0001');
    expect(first).toMatch(/^pid:[0-9a-f]{12}$/);
    expect(pseudonymize('pat-0001')).toBe(first);
    expect(pseudonymize('pat-0002')).not.toBe(first);
    expect(first).not.toContain('pat-0001');
  });
});

describe('maskPhi', () => {
  it('redacts PHI keys at any depth and in any case', () => {
    const masked = maskPhi({
      patient: { Name: [{ family: 'Doe' }], birthDate: '1984-03-12', SSN: '900-12-3456', gender: 'female' },
      telecom: [{ value: '555-0101' }],
    });
    expect(masked).toEqual({
      patient: { Name: REDACTED, birthDate: REDACTED, SSN: REDACTED, gender: 'female' },
      telecom: REDACTED,
    });
  });

  it('pseudonymizes patient ids', () => {
    expect(maskPhi({ patientId: 'pat-0001', resourceId: 'obs-1', subjectId: 'p-2' })).toEqual({
      patientId: pseudonymize('pat-0001'),
      resourceId: pseudonymize('obs-1'),
      subjectId: pseudonymize('p-2'),
    });
  });

  it('masks free text in values and arrays', () => {
    expect(maskPhi({ note: 'SSN 123-45-6789', list: ['a@example.org', 7, true, null] })).toEqual({
      note: 'SSN [SSN]',
      list: ['[EMAIL]', 7, true, null],
    });
  });

  it('keeps only name and masked message of an error', () => {
    const err = new TypeError('bad value 123-45-6789');
    expect(maskPhi({ error: err })).toEqual({ error: { name: 'TypeError', message: 'bad value [SSN]' } });
  });

  it('stops at cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(maskPhi(cyclic)).toEqual({ a: 1, self: '[TRUNCATED]' });
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 10; i++) {
      deep = { next: deep };
    }
    expect(JSON.stringify(maskPhi(deep))).toContain('[TRUNCATED]');
    expect(JSON.stringify(maskPhi(deep))).not.toContain('leaf');
  });

  it('truncates at exactly eight levels of objects and of arrays', () => {
    const objects = { a: { b: { c: { d: { e: { f: { g: { h: { i: 'deep' } } } } } } } } };
    expect(JSON.stringify(maskPhi(objects))).toBe('{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":"[TRUNCATED]"}}}}}}}}');
    const arrays = [[[[[[[[['deep']]]]]]]]];
    expect(JSON.stringify(maskPhi(arrays))).toBe('[[[[[[[["[TRUNCATED]"]]]]]]]]');
  });

  it('leaves a non-string patient id as it is', () => {
    expect(maskPhi({ patientId: 42 })).toEqual({ patientId: 42 });
  });

  it('passes primitives through', () => {
    expect(maskPhi(42)).toBe(42);
    expect(maskPhi(undefined)).toBeUndefined();
    expect(maskPhi('555-0100 2026-01-01')).toBe('555-0100 [DATE]');
  });

  it('does not change its input', () => {
    const input = { name: 'Doe', nested: { dob: '2000-01-01' } };
    maskPhi(input);
    expect(input).toEqual({ name: 'Doe', nested: { dob: '2000-01-01' } });
  });
});
