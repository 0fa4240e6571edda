/**
 * Waiting for eventually consistent state without sleeping: poll with a deadline, and fail with
 * what was last seen when the deadline passes.
 */
export interface PollOptions {
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
  /** Pause between attempts. Default 50 ms. */
  intervalMs?: number;
  /** What is being waited for, for the timeout message. */
  description?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_INTERVAL_MS = 50;

export class PollTimeoutError extends Error {
  readonly code = 'poll-timeout';
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(message);
    this.name = 'PollTimeoutError';
  }
}

type Falsy = false | 0 | '' | null | undefined;

/**
 * Calls `probe` until it returns a truthy value and returns that value. An attempt that throws
 * counts as "not yet"; the last error is reported if the deadline passes.
 */
export async function pollUntil<T>(probe: () => T | Falsy | Promise<T | Falsy>, options: PollOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let lastError: unknown = undefined;
  let lastValue: unknown = undefined;
  for (;;) {
    attempts += 1;
    try {
      const value = await probe();
      if (value) return value;
      lastValue = value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const what = options.description ?? 'a condition';
      const last = lastError !== undefined ? `last error: ${describe(lastError)}` : `last value: ${JSON.stringify(lastValue)}`;
      throw new PollTimeoutError(`timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${what}; ${last}`, attempts, lastError);
    }
    await pause(Math.min(intervalMs, remaining));
  }
}

/**
 * Runs `assertion` until it stops throwing and returns its result. When the deadline passes the
 * last assertion error is rethrown (its message prefixed with the wait), so the test report
 * shows the real expected/actual difference.
 */
export async function expectEventually<T>(assertion: () => T | Promise<T>, options: PollOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return await assertion();
    } catch (error) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const prefix = `still failing after ${timeoutMs} ms (${attempts} attempts)${options.description ? ` waiting for ${options.description}` : ''}: `;
        if (error instanceof Error) {
          error.message = prefix + error.message;
          throw error;
        }
        throw new PollTimeoutError(prefix + describe(error), attempts, error);
      }
      await pause(Math.min(intervalMs, remaining));
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
