import { describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { compilerForSpec, deviceRequest, scriptErrorOf, TEST_LIMITS } from './sandbox-test.util';
import type { ScriptFile } from './script-file.type';

const noServices = new RecordingBackendServices({});
const compile = compilerForSpec();

describe('CompiledRepository with TypeScript scripts', () => {
  it('runs a .ts endpoint that imports a .ts module and answers with typed data', async () => {
    const repository = await compile([
      {
        path: 'hello.ts',
        source: [
          `import type { Greeting } from './lib/greeting.js';`,
          `import { greet, Tone } from './lib/greeting.js';`,
          `export default async (request: { params: Record<string, string> }): Promise<{ status: number; body: Greeting }> => ({`,
          `  status: 200,`,
          `  body: greet(request.params.name ?? 'nobody', Tone.Loud),`,
          `});`,
        ].join('\n'),
      },
      {
        path: 'lib/greeting.ts',
        source: [
          `export interface Greeting { text: string; length: number }`,
          `export enum Tone { Plain, Loud }`,
          `export function greet(name: string, tone: Tone): Greeting {`,
          `  const text = tone === Tone.Loud ? \`HELLO \${name.toUpperCase()}!\` : \`hello \${name}\`;`,
          `  return { text, length: text.length };`,
          `}`,
        ].join('\n'),
      },
      { path: 'lib/types.d.ts', source: `export interface Unused { never: true }` },
    ]);

    const response = await repository.run('hello.ts', deviceRequest({ params: { name: 'tv' } }), noServices, TEST_LIMITS);

    expect(response).toEqual({ status: 200, headers: {}, body: { text: 'HELLO TV!', length: 9 } });
  });

  it('runs a TypeScript script whose JavaScript the caller already has, without transpiling it', async () => {
    const repository = await compile([
      { path: 'hello.ts', source: `export default (): { status: number; body: string } => ({ status: 200, body: 'transpiled now' });`, javascript: `export default () => ({ status: 200, body: 'from the artifact' });` },
    ]);

    expect((await repository.run('hello.ts', deviceRequest(), noServices, TEST_LIMITS)).body).toBe('from the artifact');
  });

  it('refuses to compile a TypeScript syntax error (script-invalid) with the line and column of the source', async () => {
    const error = await scriptErrorOf(compile([{ path: 'broken.ts', source: `const x: number = 1;\nexport default (: number) => x;\n` }]), 'script-invalid');

    expect(error.details.problems).toEqual([{ path: 'broken.ts', line: 2, column: 17, message: 'SyntaxError: Expression expected (TS1109)' }]);
  });
});
