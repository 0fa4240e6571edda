import { describe, expect, it } from 'vitest';
import { EmbeddedEndpointClaims, EmbeddedRegistryReadModel } from '@dsp/store';
import { DeploymentContentPolicy } from './deployment-content.policy';

const manifest = (path: string): string => JSON.stringify({ endpoints: [{ method: 'GET', path, script: 'h.js' }] });
const script = 'export default async () => ({ status: 200, body: {} });\n';
const files = (path: string): Map<string, string> => new Map([['dsp.json', manifest(path)], ['h.js', script]]);

function policy() {
  const claims = new EmbeddedEndpointClaims();
  return { claims, policy: new DeploymentContentPolicy(new EmbeddedRegistryReadModel(), claims) };
}

describe('DeploymentContentPolicy', () => {
  it('claims the routes of a main commit once it is appended', async () => {
    const { claims, policy: p } = policy();
    const verdict = await p.check({ repository: 'tv', branch: 'main', files: files('/tv/a'), baseFiles: new Map() });
    expect(verdict.problems).toEqual([]);
    await verdict.settle(true);
    expect(await claims.owners(['GET /tv/a'])).toEqual(new Map([['GET /tv/a', 'tv']]));
  });

  it('undoes its claims when the commit is not appended', async () => {
    const { claims, policy: p } = policy();
    const verdict = await p.check({ repository: 'tv', branch: 'main', files: files('/tv/a'), baseFiles: new Map() });
    await verdict.settle(false);
    expect(await claims.owners(['GET /tv/a'])).toEqual(new Map());
  });

  it("refuses another repository's route, on any branch, naming the owner", async () => {
    const { policy: p } = policy();
    await (await p.check({ repository: 'tv', branch: 'main', files: files('/shared/:id'), baseFiles: new Map() })).settle(true);
    for (const branch of ['main', 'feature']) {
      const verdict = await p.check({ repository: 'web', branch, files: files('/shared/:other'), baseFiles: new Map() });
      expect(verdict.problems).toEqual([{ path: 'dsp.json', message: "GET /shared/:other is already served by repository 'tv'" }]);
    }
  });

  it('releases routes a main commit drops', async () => {
    const { claims, policy: p } = policy();
    await (await p.check({ repository: 'tv', branch: 'main', files: files('/tv/old'), baseFiles: new Map() })).settle(true);
    await (await p.check({ repository: 'tv', branch: 'main', files: files('/tv/new'), baseFiles: files('/tv/old') })).settle(true);
    expect(await claims.owners(['GET /tv/old', 'GET /tv/new'])).toEqual(new Map([['GET /tv/new', 'tv']]));
  });

  it('reports a syntax error with file and line', async () => {
    const { policy: p } = policy();
    const broken = new Map([['dsp.json', manifest('/tv/a')], ['h.js', 'const ready = ;\nexport default async () => ({ status: 200 });\n']]);
    const verdict = await p.check({ repository: 'tv', branch: 'main', files: broken, baseFiles: new Map() });
    expect(verdict.problems).toEqual([expect.objectContaining({ path: 'h.js', line: 1 })]);
  });

  it('refuses a TypeScript script with a syntax error, naming its line and column', async () => {
    const { policy: p } = policy();
    const broken = new Map([
      ['dsp.json', JSON.stringify({ endpoints: [{ method: 'GET', path: '/tv/a', script: 'h.ts' }] })],
      ['h.ts', 'interface Reply {\n  status: number;\n}\nexport default async (): Promise<Reply> => ({ status: 200 ;\n'],
    ]);
    const verdict = await p.check({ repository: 'tv', branch: 'main', files: broken, baseFiles: new Map() });
    expect(verdict.problems).toEqual([{ path: 'h.ts', line: 4, column: 59, message: "SyntaxError: ',' expected (TS1005)" }]);
  });

  it('accepts a TypeScript script with a type error: types are not checked', async () => {
    const { policy: p } = policy();
    const typed = new Map([
      ['dsp.json', JSON.stringify({ endpoints: [{ method: 'GET', path: '/tv/a', script: 'h.ts' }] })],
      ['h.ts', "import { label } from './lib/label.js';\nconst n: number = 'not a number';\nexport default async () => ({ status: 200, body: label(n) });\n"],
      ['lib/label.ts', 'export const label = (value: string): string => `#${value}`;\n'],
    ]);
    const verdict = await p.check({ repository: 'tv', branch: 'main', files: typed, baseFiles: new Map() });
    expect(verdict.problems).toEqual([]);
  });
});
