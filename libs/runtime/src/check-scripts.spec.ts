import { describe, expect, it } from 'vitest';
import { checkScripts } from './check-scripts.util';

describe('checkScripts', () => {
  it('finds nothing wrong with scripts that compile and import each other relatively', () => {
    const problems = checkScripts([
      { path: 'hello.js', source: `import { greet } from './lib/greet.js';\nexport default async (request) => ({ status: 200, body: greet(request.params.name) });` },
      { path: 'lib/greet.js', source: `import { upper } from '../util/upper.mjs';\nexport const greet = (name) => 'hello ' + upper(name);` },
      { path: 'util/upper.mjs', source: `export const upper = (text) => text.toUpperCase();` },
      { path: 'dsp.json', source: `{ "endpoints": [] }` },
      { path: 'README.md', source: `# not a script` },
    ]);

    expect(problems).toEqual([]);
  });

  it('reports a syntax error with its line and column', () => {
    const problems = checkScripts([{ path: 'broken.js', source: `export default async () => {\n  const x = 1;\n  return { status: 200 ;\n};\n` }]);

    expect(problems).toEqual([{ path: 'broken.js', line: 3, column: 24, message: "SyntaxError: Unexpected token ';'" }]);
  });

  it('reports a relative import that names no script of the repository, where it is written', () => {
    const problems = checkScripts([
      { path: 'api/home.js', source: `import a from './sibling.js';\nimport { b } from "../lib/missing.js";\nexport default () => ({ status: 200, body: [a, b] });` },
      { path: 'api/sibling.js', source: `export default 1;` },
      { path: 'lib/data.json', source: `{}` },
    ]);

    expect(problems).toEqual([{ path: 'api/home.js', line: 2, column: 19, message: "cannot import '../lib/missing.js': no script lib/missing.js or lib/missing.ts in the repository" }]);
  });

  it('reports an import that climbs out of the repository', () => {
    const problems = checkScripts([{ path: 'a.js', source: `import x from '../../etc/passwd.js';\nexport default x;` }]);

    expect(problems).toEqual([{ path: 'a.js', line: 1, column: 15, message: "cannot import '../../etc/passwd.js': it points outside the repository" }]);
  });

  it.each(['fs', 'node:http', 'lodash', '/abs/path.js', 'https://cdn.example/x.js'])('reports the bare or absolute import %s', (specifier) => {
    const problems = checkScripts([{ path: 'a.js', source: `import x from '${specifier}';\nexport default x;` }]);

    expect(problems).toEqual([
      {
        path: 'a.js',
        line: 1,
        column: 15,
        message: `cannot import '${specifier}': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')`,
      },
    ]);
  });

  it('checks re-exports too, and reports every problem of every file', () => {
    const problems = checkScripts([
      { path: 'a.js', source: `export * from 'events';` },
      { path: 'b.js', source: `export { x } from './gone.js';` },
      { path: 'c.js', source: `export default (;` },
    ]);

    expect(problems.map((problem) => [problem.path, problem.line])).toEqual([
      ['a.js', 1],
      ['b.js', 1],
      ['c.js', 1],
    ]);
  });

  it('reports an imported name that the imported module does not export', () => {
    const problems = checkScripts([
      { path: 'home.js', source: `import { title } from './lib/format.js';\nexport default () => ({ status: 200, body: title });` },
      { path: 'lib/format.js', source: `import { upper } from './text.js';\nexport const title = upper('home');` },
      { path: 'lib/text.js', source: `// nothing called upper here\nexport const lower = (s) => s.toLowerCase();` },
    ]);

    expect(problems).toEqual([
      { path: 'lib/format.js', line: 1, column: 23, message: "SyntaxError: The requested module './text.js' does not provide an export named 'upper'" },
    ]);
  });

  it('runs none of the code it checks', () => {
    const problems = checkScripts([{ path: 'loop.js', source: `for (;;) {}\nexport default 1;` }]);

    expect(problems).toEqual([]);
  });

  it('treats .mjs files as scripts and resolves imports of normalised paths', () => {
    const problems = checkScripts([
      { path: './x.mjs', source: `import y from './sub/../y.js'; export default y;` },
      { path: 'y.js', source: `export default 2;` },
    ]);

    expect(problems).toEqual([]);
  });
});

describe('checkScripts on TypeScript', () => {
  it("resolves './x.js' to x.ts when there is no x.js, from TypeScript and JavaScript, and './x.ts' directly", () => {
    const problems = checkScripts([
      { path: 'hello.ts', source: `import { title } from './lib/format.js';\nexport default async (request: { params: Record<string, string> }) => ({ status: 200, body: title(request.params.name ?? '') });` },
      { path: 'lib/format.ts', source: `import { upper } from './text.ts';\nimport { now } from './clock.mjs';\nexport const title = (name: string): string => upper(name) + now();` },
      { path: 'lib/text.ts', source: `export const upper = (text: string): string => text.toUpperCase();` },
      { path: 'lib/clock.mts', source: `export const now = (): string => '';` },
      { path: 'plain.js', source: `import { title } from './lib/format.js';\nexport default () => title('x');` },
    ]);

    expect(problems).toEqual([]);
  });

  it('accepts a type error', () => {
    const problems = checkScripts([{ path: 'typed.ts', source: `const n: number = 'not a number';\nexport default (): string => n;` }]);

    expect(problems).toEqual([]);
  });

  it('reports a syntax error with the line and column of the TypeScript source', () => {
    const problems = checkScripts([
      { path: 'ok.js', source: `export default 1;` },
      { path: 'api/broken.ts', source: `interface Reply {\n  status: number;\n}\n\nexport default (): Reply => {\n  return { status: 200 ;\n};\n` },
    ]);

    expect(problems).toEqual([{ path: 'api/broken.ts', line: 6, column: 24, message: "SyntaxError: ',' expected (TS1005)" }]);
  });

  it('maps an error V8 finds in the transpiled JavaScript back to the TypeScript line', () => {
    // TypeScript's parser lets a redeclared `let` through (its checker, not run here, would not);
    // V8 refuses it on line 2 of the JavaScript, which is line 6 of the source.
    const problems = checkScripts([{ path: 'twice.ts', source: `interface Shape {\n  a: number;\n}\n\nlet count: number = 1;\nlet count = 2;\nexport default (): Shape => ({ a: count });\n` }]);

    expect(problems).toEqual([{ path: 'twice.ts', line: 6, column: 5, message: "SyntaxError: Identifier 'count' has already been declared" }]);
  });

  it('reports an unresolved import where it is written in the TypeScript source', () => {
    const problems = checkScripts([{ path: 'a.ts', source: `// types first\ninterface A {\n  x: number;\n}\nimport { x } from './missing.js';\nexport default (): A => ({ x });\n` }]);

    expect(problems).toEqual([{ path: 'a.ts', line: 5, column: 19, message: "cannot import './missing.js': no script missing.js or missing.ts in the repository" }]);
  });

  it('treats .d.ts files as data: never compiled, and not importable at run time', () => {
    const problems = checkScripts([
      { path: 'types.d.ts', source: `export interface Shape { a: number }\ndeclare const build: number;\n` },
      { path: 'uses-types.ts', source: `import type { Shape } from './types.js';\nexport default (): Shape => ({ a: 1 });\n` },
      { path: 'imports-declarations.ts', source: `import './types.d.ts';\nexport default 1;\n` },
    ]);

    expect(problems).toEqual([{ path: 'imports-declarations.ts', line: 1, column: 8, message: "cannot import './types.d.ts': no script types.d.ts in the repository" }]);
  });
});
