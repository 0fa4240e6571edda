/**
 * Not a failure to run: the command did its work and printed its result (a dry-run merge that
 * would conflict), but the outcome must show in the exit code. `lines` go to stderr as they are;
 * nothing more is printed under --json, the result already was the document.
 */
import type { ExitCode } from '../exit-code.constant';

export class OutcomeError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly lines: readonly string[] = [],
  ) {
    super(message);
    this.name = 'OutcomeError';
  }
}
