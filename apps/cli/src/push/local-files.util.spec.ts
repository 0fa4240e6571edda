import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitBlobId } from './blob-id.adapter';
import { isIgnoredPath, readLocalFolder } from './local-files.util';

describe('isIgnoredPath', () => {
  it.each(['.dsp/config.json', '.git/HEAD', '.env', 'lib/.cache/x.js', 'node_modules/a/index.js', 'lib/node_modules/b.js'])(
    'skips %s',
    (path) => expect(isIgnoredPath(path)).toBe(true),
  );

  it.each(['hello.js', 'dsp.json', 'lib/util.js', 'tests/hello.test.js', 'a.b/c.js', 'node_modules2/x.js'])(
    'keeps %s',
    (path) => expect(isIgnoredPath(path)).toBe(false),
  );
});

describe('readLocalFolder', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dsp-cli-files-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('returns pushable files with /-separated paths in byte order, skipping ignored folders and dotfiles', async () => {
    await mkdir(join(root, '.dsp'));
    await mkdir(join(root, '.git'));
    await mkdir(join(root, 'node_modules', 'pkg'), { recursive: true });
    await mkdir(join(root, 'lib', 'deep'), { recursive: true });
    await writeFile(join(root, '.dsp', 'config.json'), '{}');
    await writeFile(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(join(root, 'node_modules', 'pkg', 'index.js'), '');
    await writeFile(join(root, '.env'), 'SECRET=1');
    await writeFile(join(root, 'hello.js'), 'hello\n');
    await writeFile(join(root, 'Zed.js'), '');
    await writeFile(join(root, 'lib', 'deep', 'util.js'), '');

    const folder = await readLocalFolder(root);

    expect(folder.files.map((file) => file.path)).toEqual(['Zed.js', 'hello.js', 'lib/deep/util.js']);
    expect(Buffer.from(folder.files[1]?.content ?? []).toString()).toBe('hello\n');
    expect(folder.skipped).toEqual([]);
  });

  it('skips symbolic links and reports them', async () => {
    await writeFile(join(root, 'real.js'), '');
    await symlink(join(root, 'real.js'), join(root, 'link.js'));

    const folder = await readLocalFolder(root);

    expect(folder.files.map((file) => file.path)).toEqual(['real.js']);
    expect(folder.skipped).toEqual([{ path: 'link.js', reason: 'symbolic link' }]);
  });
});

describe('gitBlobId', () => {
  // Expected ids come from `printf ... | git hash-object --stdin`.
  it.each([
    ['hello\n', 'ce013625030ba8dba906f756967f9e9ca394464a'],
    ['', 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'],
    ['\ufeffbom\n', '3f5df30c51c893a455a49f62969c15f9bfd05e5b'],
  ])('hashes %j like git', async (text, id) => {
    expect(await gitBlobId(new TextEncoder().encode(text))).toBe(id);
  });
});
