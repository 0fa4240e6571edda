import { describe, expect, it } from 'vitest';
import { planChanges } from './changes.util';

const blob = (char: string) => char.repeat(40);

describe('planChanges', () => {
  it('adds local files the branch lacks, modifies those with another blob, deletes remote files missing locally', () => {
    const local = [
      { path: 'new.js', blob: blob('1') },
      { path: 'lib/changed.js', blob: blob('2') },
      { path: 'same.js', blob: blob('3') },
    ];
    const remote = [
      { path: 'lib/changed.js', blob: blob('9') },
      { path: 'same.js', blob: blob('3') },
      { path: 'gone.js', blob: blob('4') },
    ];

    expect(planChanges(local, remote)).toEqual([
      { status: 'deleted', path: 'gone.js' },
      { status: 'modified', path: 'lib/changed.js', blob: blob('2') },
      { status: 'added', path: 'new.js', blob: blob('1') },
    ]);
  });

  it('plans nothing when every local file matches the branch', () => {
    const files = [
      { path: 'a.js', blob: blob('a') },
      { path: 'dir/b.js', blob: blob('b') },
    ];
    expect(planChanges(files, [...files].reverse())).toEqual([]);
  });

  it('adds everything on an empty branch', () => {
    expect(planChanges([{ path: 'a.js', blob: blob('a') }], [])).toEqual([{ status: 'added', path: 'a.js', blob: blob('a') }]);
  });

  it('never deletes remote paths that a push skips locally (dotfiles, node_modules)', () => {
    const remote = [
      { path: '.eslintrc.json', blob: blob('e') },
      { path: 'lib/.hidden/x.js', blob: blob('f') },
      { path: 'node_modules/pkg/index.js', blob: blob('n') },
      { path: 'old.js', blob: blob('o') },
    ];
    expect(planChanges([], remote)).toEqual([{ status: 'deleted', path: 'old.js' }]);
  });

  it('treats paths case-sensitively, like git', () => {
    expect(planChanges([{ path: 'Hello.js', blob: blob('1') }], [{ path: 'hello.js', blob: blob('1') }])).toEqual([
      { status: 'added', path: 'Hello.js', blob: blob('1') },
      { status: 'deleted', path: 'hello.js' },
    ]);
  });
});
