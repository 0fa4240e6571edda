import { describe, expect, it } from 'vitest';
import { parseManifest, routeKey } from './manifest';

const files = new Map([
  ['hello.js', ''],
  ['hello.ts', ''],
  ['view.tsx', ''],
  ['types.d.ts', ''],
  ['dsp.json', ''],
]);

describe('parseManifest', () => {
  it('accepts a valid manifest and normalises the method', () => {
    const { manifest, problems } = parseManifest(JSON.stringify({ endpoints: [{ method: 'get', path: '/tv/hello/:name', script: 'hello.js', timeoutMs: 500 }] }), files);
    expect(problems).toEqual([]);
    expect(manifest.endpoints).toEqual([{ method: 'GET', path: '/tv/hello/:name', script: 'hello.js', timeoutMs: 500 }]);
  });

  it('accepts a TypeScript script', () => {
    const { manifest, problems } = parseManifest(JSON.stringify({ endpoints: [{ method: 'GET', path: '/tv/hello/:name', script: 'hello.ts' }] }), files);
    expect(problems).toEqual([]);
    expect(manifest.endpoints).toEqual([{ method: 'GET', path: '/tv/hello/:name', script: 'hello.ts' }]);
  });

  it('reports invalid JSON with its line', () => {
    const { problems } = parseManifest('{\n  "endpoints": [\n    oops\n  ]\n}', files);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('dsp.json');
    expect(problems[0]?.line).toBe(3);
    expect(problems[0]?.message).toMatch(/not valid JSON/);
  });

  it.each([
    [{ method: 'FETCH', path: '/a', script: 'hello.js' }, /method must be one of/],
    [{ method: 'GET', path: 'no-slash', script: 'hello.js' }, /path must look like/],
    [{ method: 'GET', path: '/a', script: 'missing.js' }, /does not exist in the repository/],
    [{ method: 'GET', path: '/a', script: 'dsp.json' }, /must name a \.js, \.mjs, \.ts or \.mts file$/],
    [{ method: 'GET', path: '/a', script: 'view.tsx' }, /must name a \.js, \.mjs, \.ts or \.mts file: JSX is not supported/],
    [{ method: 'GET', path: '/a', script: 'types.d.ts' }, /must name a \.js, \.mjs, \.ts or \.mts file: 'types\.d\.ts' is a declaration file, which holds types only/],
    [{ method: 'GET', path: '/a', script: 'hello.js', memoryMb: 512 }, /memoryMb must be an integer from 8 to 128/],
    [{ method: 'GET', path: '/a', script: 'hello.js', timeoutMs: 0 }, /timeoutMs must be an integer from 1 to 30000/],
  ])('says what is wrong with %j', (endpoint, message) => {
    const { problems, manifest } = parseManifest(JSON.stringify({ endpoints: [endpoint] }), files);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(message)]);
    expect(manifest.endpoints).toEqual([]);
  });

  it('refuses the same route twice, whatever the parameter names', () => {
    const { problems } = parseManifest(
      JSON.stringify({ endpoints: [{ method: 'GET', path: '/a/:x', script: 'hello.js' }, { method: 'GET', path: '/a/:y', script: 'hello.js' }] }),
      files,
    );
    expect(problems.map((p) => p.message)).toEqual(['endpoints[1]: GET /a/:y is declared twice']);
  });

  it('keys routes by shape, not parameter names', () => {
    expect(routeKey('get', '/a/:x/b')).toBe(routeKey('GET', '/a/:other/b'));
    expect(routeKey('GET', '/a/:x')).not.toBe(routeKey('POST', '/a/:x'));
  });
});

describe('jsonErrorOffset', () => {
  it('agrees with JSON.parse on what is valid, and points at the first bad character', async () => {
    const { jsonErrorOffset } = await import('./json-error-position.util');
    for (const valid of ['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', ' 7 ']) expect(jsonErrorOffset(valid)).toBeNull();
    expect(jsonErrorOffset('{"a":1,}')).toBe(7);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('[1 2]')).toBe(3);
    expect(jsonErrorOffset('{} x')).toBe(3);
  });
});
