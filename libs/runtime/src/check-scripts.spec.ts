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

    expect(problems).toEqual([{ path: 'api/home.js', line: 2, column: 19, message: "cannot import '../lib/missing.js': no script lib/missing.js in the repository" }]);
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
