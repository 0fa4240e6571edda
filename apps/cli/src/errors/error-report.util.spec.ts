import { describe, expect, it } from 'vitest';
import { ControlApiError } from '../control-client';
import { ExitCode } from '../exit-code.constant';
import { CliError } from './cli.error';
import { exitCodeForStatus, reportError } from './error-report.util';
import { OutcomeError } from './outcome.error';

describe('exitCodeForStatus', () => {
  it.each([
    [400, ExitCode.Refused],
    [401, ExitCode.Refused],
    [404, ExitCode.Refused],
    [422, ExitCode.Refused],
    [409, ExitCode.Conflict],
    [500, ExitCode.Unreachable],
    [503, ExitCode.Unreachable],
    [null, ExitCode.Unreachable],
    [200, ExitCode.Unreachable],
  ])('maps %s to %s', (status, exitCode) => {
    expect(exitCodeForStatus(status)).toBe(exitCode);
  });
});

describe('reportError', () => {
  it('prints the server code and message, and one line per file problem', () => {
    const error = new ControlApiError(422, 'invalid-commit', 'commit refused: 2 problem(s)', {
      problems: [
        { path: 'hello.js', line: 3, message: 'Unexpected token' },
        { path: 'dsp.json', message: 'endpoints[0].script: hello2.js does not exist' },
      ],
    });

    expect(reportError(error)).toEqual({
      exitCode: ExitCode.Refused,
      lines: [
        'dsp: invalid-commit: commit refused: 2 problem(s)',
        '  hello.js:3: Unexpected token',
        '  dsp.json: endpoints[0].script: hello2.js does not exist',
      ],
      json: { error: { code: 'invalid-commit', message: 'commit refused: 2 problem(s)', status: 422, details: error.details } },
    });
  });

  it('names the current head of a stale-parent conflict when the message does not', () => {
    const head = 'a'.repeat(40);
    const report = reportError(new ControlApiError(409, 'stale-parent', 'branch moved', { currentHead: head }));
    expect(report.exitCode).toBe(ExitCode.Conflict);
    expect(report.lines).toEqual([`dsp: stale-parent: branch moved (current head: ${head})`]);

    const named = reportError(new ControlApiError(409, 'stale-parent', `head is now ${head}`, { currentHead: head }));
    expect(named.lines).toEqual([`dsp: stale-parent: head is now ${head}`]);
  });

  it('tells how to authenticate on 401', () => {
    expect(reportError(new ControlApiError(401, 'unauthorized', 'missing token')).lines[0]).toBe(
      'dsp: unauthorized: missing token (pass --token or set DSP_TOKEN)',
    );
  });

  it('reports an unreachable server with exit code 3 and no status', () => {
    const report = reportError(new ControlApiError(null, 'server-unreachable', 'cannot reach http://x: ECONNREFUSED'));
    expect(report.exitCode).toBe(ExitCode.Unreachable);
    expect(report.json).toEqual({ error: { code: 'server-unreachable', message: 'cannot reach http://x: ECONNREFUSED' } });
  });

  it('reports local errors with exit code 1 and their detail lines', () => {
    const report = reportError(new CliError('only UTF-8 text files can be pushed', { code: 'local', lines: ['logo.png'] }));
    expect(report).toEqual({
      exitCode: ExitCode.Usage,
      lines: ['dsp: only UTF-8 text files can be pushed', '  logo.png'],
      json: { error: { code: 'local', message: 'only UTF-8 text files can be pushed' } },
    });
  });

  it('reports an outcome the command already printed with its exit code, its lines and no JSON document', () => {
    expect(reportError(new OutcomeError(ExitCode.Conflict, 'the merge would conflict'))).toEqual({ exitCode: ExitCode.Conflict, lines: [] });
  });
});
