/**
 * A problem found on this side of the wire: bad usage, a missing setting, an unreadable file.
 * Always exit code 1; `lines` are extra detail printed under the message.
 */
export class CliError extends Error {
  readonly code: string;
  readonly lines: readonly string[];

  constructor(message: string, options: { code?: string; lines?: readonly string[] } = {}) {
    super(message);
    this.name = 'CliError';
    this.code = options.code ?? 'usage';
    this.lines = options.lines ?? [];
  }
}
