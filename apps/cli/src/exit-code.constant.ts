/** Exit codes of `dsp`, stable for CI scripts. */
export const ExitCode = {
  Ok: 0,
  /** Bad usage or a local problem (missing option, unreadable file, bad config). */
  Usage: 1,
  /** The server refused the request (4xx other than 409). */
  Refused: 2,
  /** The server could not be reached, timed out, answered 5xx or answered nonsense. */
  Unreachable: 3,
  /** The server reported a conflict (409), e.g. the branch moved since it was read. */
  Conflict: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
