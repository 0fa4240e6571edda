/** Turns any failure into what the user sees: stderr lines, an exit code and, for --json, a document. */
import type { CommitProblem } from '../control-api.type';
import { ControlApiError } from '../control-client';
import { ExitCode } from '../exit-code.constant';
import { isRecord } from '../is-record.util';
import { CliError } from './cli.error';
import { OutcomeError } from './outcome.error';

export interface ErrorReport {
  exitCode: ExitCode;
  /** Lines for stderr, without trailing newlines; the first starts with `dsp: `. */
  lines: string[];
  /** The single JSON document printed on stdout under --json; absent when the command already printed it. */
  json?: { error: { code: string; message: string; status?: number; details?: unknown } };
}

export function exitCodeForStatus(status: number | null): ExitCode {
  if (status === 409) return ExitCode.Conflict;
  if (status !== null && status >= 400 && status < 500) return ExitCode.Refused;
  // No answer, 5xx, or a 2xx/3xx we could not make sense of: the server side is at fault.
  return ExitCode.Unreachable;
}

export function reportError(error: unknown): ErrorReport {
  if (error instanceof ControlApiError) return reportApiError(error);
  if (error instanceof OutcomeError) return { exitCode: error.exitCode, lines: [...error.lines] };
  if (error instanceof CliError) {
    return {
      exitCode: ExitCode.Usage,
      lines: [`dsp: ${error.message}`, ...error.lines.map((line) => `  ${line}`)],
      json: { error: { code: error.code, message: error.message } },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: ExitCode.Usage,
    lines: [`dsp: ${message}`],
    json: { error: { code: 'internal', message } },
  };
}

function reportApiError(error: ControlApiError): ErrorReport {
  let headline = `dsp: ${error.code}: ${error.message}`;
  const currentHead = stringField(error.details, 'currentHead');
  if (error.code === 'stale-parent' && currentHead && !error.message.includes(currentHead)) {
    headline += ` (current head: ${currentHead})`;
  }
  if (error.status === 401) headline += ' (pass --token or set DSP_TOKEN)';

  const lines = [headline, ...problemsOf(error.details).map(formatProblem)];
  const json: NonNullable<ErrorReport['json']> = { error: { code: error.code, message: error.message } };
  if (error.status !== null) json.error.status = error.status;
  if (error.details !== undefined) json.error.details = error.details;
  return { exitCode: exitCodeForStatus(error.status), lines, json };
}

function formatProblem(problem: CommitProblem): string {
  const where = problem.path ? `${problem.path}${problem.line !== undefined ? `:${problem.line}` : ''}: ` : '';
  return `  ${where}${problem.message}`;
}

function problemsOf(details: unknown): CommitProblem[] {
  if (!isRecord(details) || !Array.isArray(details.problems)) return [];
  return details.problems.filter(isRecord).flatMap((problem): CommitProblem[] => {
    if (typeof problem.message !== 'string') return [];
    return [
      {
        message: problem.message,
        path: typeof problem.path === 'string' ? problem.path : undefined,
        line: typeof problem.line === 'number' ? problem.line : undefined,
      },
    ];
  });
}

function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}
