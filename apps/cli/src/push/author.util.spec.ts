import { describe, expect, it } from 'vitest';
import { CliError } from '../errors/cli.error';
import { defaultAuthor, parseAuthor } from './author.util';

describe('parseAuthor', () => {
  it('reads "Name <email>"', () => {
    expect(parseAuthor('Ada Lovelace <ada@example.com>')).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it.each(['Ada', '<ada@example.com>', 'Ada <>', 'Ada <a b@example.com>'])('refuses %j', (text) => {
    expect(() => parseAuthor(text)).toThrow(CliError);
  });
});

describe('defaultAuthor', () => {
  const git = { 'user.name': 'Git Name', 'user.email': 'git@example.com' };

  it('prefers DSP_AUTHOR_NAME / DSP_AUTHOR_EMAIL', () => {
    const author = defaultAuthor({
      env: { DSP_AUTHOR_NAME: 'Env Name', DSP_AUTHOR_EMAIL: 'env@example.com' },
      gitConfig: (key) => git[key],
      osUserName: () => 'os',
    });
    expect(author).toEqual({ name: 'Env Name', email: 'env@example.com' });
  });

  it('falls back to git config per field', () => {
    const author = defaultAuthor({ env: { DSP_AUTHOR_NAME: 'Env Name' }, gitConfig: (key) => git[key], osUserName: () => 'os' });
    expect(author).toEqual({ name: 'Env Name', email: 'git@example.com' });
  });

  it('falls back to the OS user and <user>@localhost without env or git', () => {
    const author = defaultAuthor({ env: { DSP_AUTHOR_NAME: '  ' }, gitConfig: () => undefined, osUserName: () => 'kim' });
    expect(author).toEqual({ name: 'kim', email: 'kim@localhost' });
  });
});
