import { describe, expect, it } from 'vitest';
import { transpileScript, transpileScripts } from './typescript-transpile.util';

describe('transpileScript', () => {
  it('erases types and keeps the module an ES module', () => {
    const result = transpileScript(
      'hello.ts',
      `import type { Shape } from './shape.js';\nimport { format } from './lib/format.js';\n\ninterface Greeting { text: string }\n\nexport default async (request: { params: Record<string, string> }): Promise<Greeting> => ({ text: format(request.params.name!) } satisfies Shape);\n`,
    );

    expect(result).toEqual({
      javascript: `import { format } from './lib/format.js';\nexport default async (request) => ({ text: format(request.params.name) });\n`,
    });
  });

  it('accepts a type error: types are not checked', () => {
    const result = transpileScript('typed.ts', `const n: number = 'x';\nexport default () => ({ status: 200, body: n.toFixed(1) });\n`);

    expect(result).toEqual({ javascript: `const n = 'x';\nexport default () => ({ status: 200, body: n.toFixed(1) });\n` });
  });

  it('refuses a syntax error with the line and column of the TypeScript source, and only the first one', () => {
    const result = transpileScript('api/broken.ts', `interface A {\n  x: number;\n}\nexport default (request: A => {\n  return { status: 200 ;\n};\n`);

    expect(result).toEqual({ problem: { path: 'api/broken.ts', line: 4, column: 28, message: "SyntaxError: ',' expected (TS1005)" } });
  });

  it('transpiles .mts like .ts', () => {
    expect(transpileScript('lib/x.mts', `export const x: number = 1;\n`)).toEqual({ javascript: `export const x = 1;\n` });
  });
});

describe('transpileScripts', () => {
  it('gives TypeScript scripts their JavaScript and passes JavaScript and data through unchanged', () => {
    const files = [
      { path: 'hello.ts', source: `export default (): number => 1;\n` },
      { path: 'plain.js', source: `export default (x) => x;\n` },
      { path: 'types.d.ts', source: `export interface Shape { a: number }\n` },
      { path: 'dsp.json', source: `{ "endpoints": [] }` },
    ];

    expect(transpileScripts(files)).toEqual({
      files: [
        { path: 'hello.ts', source: `export default () => 1;\n`, javascript: `export default () => 1;\n` },
        files[1],
        files[2],
        files[3],
      ],
      problems: [],
    });
  });

  it('compiles the JavaScript a TypeScript file already carries instead of transpiling it again', () => {
    const result = transpileScripts([{ path: 'hello.ts', source: `export default (): number => 1;\n`, javascript: `export default () => 'from the artifact';\n` }]);

    expect(result.files).toEqual([{ path: 'hello.ts', source: `export default () => 'from the artifact';\n`, javascript: `export default () => 'from the artifact';\n` }]);
  });

  it('leaves a file with a syntax error out and reports it', () => {
    const result = transpileScripts([
      { path: 'ok.ts', source: `export const ok = true;\n` },
      { path: 'bad.ts', source: `export const bad: = 1;\n` },
    ]);

    expect(result.files.map((file) => file.path)).toEqual(['ok.ts']);
    expect(result.problems).toEqual([{ path: 'bad.ts', line: 1, column: 19, message: 'SyntaxError: Type expected (TS1110)' }]);
  });
});
