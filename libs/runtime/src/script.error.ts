import type { ScriptProblem } from './script-problem.type';

export type ScriptErrorCode =
  /** The request's time budget (CPU or awaiting backend calls) ran out. */
  | 'script-timeout'
  /** The isolate exceeded its heap limit and was disposed while this request ran. */
  | 'script-memory'
  /** The script threw, or rejected, or failed while its module was loading. */
  | 'script-threw'
  /** The handler resolved to something that is not `{ status, headers?, body }`. */
  | 'script-bad-response'
  /** No such script in the repository, or it has no default export function. */
  | 'script-not-found'
  /** The repository does not compile: syntax errors or imports that do not resolve (see `problems`). */
  | 'script-invalid'
  /** The repository's isolate was disposed (by `dispose()` or another request's failure); recompile and retry. */
  | 'script-disposed';

/** A script failed its own request. The gateway maps `code` to an HTTP answer in one place. */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
  readonly retriable: boolean;

  constructor(
    readonly code: ScriptErrorCode,
    message: string,
    readonly details: { scriptPath?: string; scriptStack?: string; problems?: ScriptProblem[] } = {},
  ) {
    super(message);
    this.retriable = code === 'script-disposed';
  }
}
