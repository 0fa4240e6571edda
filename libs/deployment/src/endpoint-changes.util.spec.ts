import { describe, expect, it } from 'vitest';
import { endpointChanges, reachableModules } from './endpoint-changes.util';

const e = (method: string, path: string, script: string, extra: { timeoutMs?: number } = {}) => ({ method, path, script, ...extra });

describe('endpointChanges', () => {
  it('tells added, removed and changed endpoints, matching routes by shape', () => {
    const before = [e('GET', '/a/:id', 'a.js'), e('GET', '/gone', 'g.js'), e('POST', '/b', 'b.js', { timeoutMs: 100 })];
    const after = [e('GET', '/a/:key', 'a.js'), e('GET', '/new', 'n.js'), e('POST', '/b', 'b2.js', { timeoutMs: 200 })];
    expect(endpointChanges(before, after, new Set())).toEqual({
      added: [e('GET', '/new', 'n.js')],
      removed: [e('GET', '/gone', 'g.js')],
      changed: [
        { method: 'GET', path: '/a/:key', before: before[0], after: after[0], changes: ['path'] },
        { method: 'POST', path: '/b', before: before[2], after: after[2], changes: ['script', 'timeoutMs'] },
      ],
    });
  });

  it('marks an endpoint whose script or an imported module changed, and only those', () => {
    const sources = new Map([
      ['a.js', "import { f } from './lib/f.js';\nexport default async () => f();\n"],
      ['lib/f.js', "export { g as f } from './g.js';\n"],
      ['lib/g.js', 'export const g = () => 1;\n'],
      ['b.js', 'export default async () => 2;\n'],
    ]);
    expect([...reachableModules('a.js', sources)].sort()).toEqual(['a.js', 'lib/f.js', 'lib/g.js']);
    const endpoints = [e('GET', '/a', 'a.js'), e('GET', '/b', 'b.js')];
    const diff = endpointChanges(endpoints, endpoints, new Set(['lib/g.js']), sources);
    expect(diff.changed.map((c) => [c.path, c.changes])).toEqual([['/a', ['script-content']]]);
  });

  it("follows a TypeScript import written './x.js' to x.ts", () => {
    const sources = new Map([
      ['a.ts', "import { f } from './lib/f.js';\nexport default async (): Promise<number> => f();\n"],
      ['lib/f.ts', 'export const f = (): number => 1;\n'],
    ]);
    expect([...reachableModules('a.ts', sources)].sort()).toEqual(['a.ts', 'lib/f.ts']);
    const endpoints = [e('GET', '/a', 'a.ts')];
    expect(endpointChanges(endpoints, endpoints, new Set(['lib/f.ts']), sources).changed.map((c) => [c.path, c.changes])).toEqual([['/a', ['script-content']]]);
  });
});
