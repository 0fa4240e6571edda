import { describe, expect, it } from 'vitest';
import { isScriptPath, resolveSpecifier } from './module-specifier.util';

describe('isScriptPath', () => {
  it.each([
    ['hello.js', true],
    ['lib/x.mjs', true],
    ['hello.ts', true],
    ['lib/x.mts', true],
    ['types.d.ts', false],
    ['lib/types.d.mts', false],
    ['view.tsx', false],
    ['legacy.cjs', false],
    ['dsp.json', false],
  ])('%s is a script: %s', (path, script) => {
    expect(isScriptPath(path)).toBe(script);
  });
});

describe('resolveSpecifier', () => {
  const scripts = new Set(['api/home.ts', 'lib/format.ts', 'lib/clock.mts', 'lib/both.js', 'lib/both.ts']);

  it.each([
    ['../lib/format.js', 'lib/format.ts'],
    ['../lib/format.ts', 'lib/format.ts'],
    ['../lib/clock.mjs', 'lib/clock.mts'],
    ['../lib/both.js', 'lib/both.js'],
    ['../lib/both.ts', 'lib/both.ts'],
  ])('resolves %s to %s', (specifier, path) => {
    expect(resolveSpecifier(specifier, 'api/home.ts', scripts)).toEqual({ path });
  });

  it('names both files it looked for when neither exists', () => {
    expect(resolveSpecifier('./gone.js', 'api/home.ts', scripts)).toEqual({ problem: "cannot import './gone.js': no script api/gone.js or api/gone.ts in the repository" });
    expect(resolveSpecifier('./gone.ts', 'api/home.ts', scripts)).toEqual({ problem: "cannot import './gone.ts': no script api/gone.ts in the repository" });
  });

  it('does not guess extensions the author did not write', () => {
    expect(resolveSpecifier('../lib/format', 'api/home.ts', scripts)).toEqual({ problem: "cannot import '../lib/format': no script lib/format in the repository" });
  });
});
