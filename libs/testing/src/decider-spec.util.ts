/**
 * given(events) / when(decide) / then(events | error) for deciders (emmett style). `when` gets
 * the state folded from the given events and returns the new events, or throws.
 *
 *   const given = deciderSpec(fold);
 *   await given([created]).when((state) => decideCreateRepository(state, cmd)).then(RepositoryExistsError, 'repository-exists');
 *
 * `then` returns the new state (events) or the error (errors) for further assertions.
 */
import { expect } from 'vitest';

/** The constructor of an error class, whatever its parameters. */
export type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface Outcome<TEvent, TState> {
  /** The decision must succeed with exactly these events; resolves to the state after them. */
  then(expected: TEvent[]): Promise<{ events: TEvent[]; state: TState }>;
  /** The decision must throw an instance of `errorClass` (with this stable `code`, if given). */
  then<E extends Error>(errorClass: ErrorClass<E>, code?: string): Promise<E>;
  /** The decision must throw an error whose stable `code` is this. */
  then(code: string): Promise<Error & { code: string }>;
  /** The decision must succeed (events checked by the caller); resolves to the events and the state after them. */
  succeeds(): Promise<{ events: TEvent[]; state: TState }>;
}

export interface Given<TEvent, TState> {
  when(decide: (state: TState) => TEvent[] | Promise<TEvent[]>): Outcome<TEvent, TState>;
}

export type DeciderSpec<TEvent, TState> = (events: TEvent[]) => Given<TEvent, TState>;

type Result<TEvent> = { ok: true; events: TEvent[] } | { ok: false; error: unknown };

export function deciderSpec<TEvent, TState>(fold: (events: TEvent[], from?: TState) => TState): DeciderSpec<TEvent, TState> {
  return (given) => ({
    when(decide) {
      const state = fold(given);
      const run = async (): Promise<Result<TEvent>> => {
        try {
          return { ok: true, events: await decide(state) };
        } catch (error) {
          return { ok: false, error };
        }
      };
      const then = async (expected: TEvent[] | ErrorClass<Error> | string, code?: string): Promise<unknown> => {
        const result = await run();
        if (Array.isArray(expected)) {
          if (!result.ok) throw new Error(`expected the decision to succeed, but it threw ${describe(result.error)}`, { cause: result.error });
          expect(result.events).toStrictEqual(expected);
          // The new events must also be foldable onto the state they were decided on.
          return { events: result.events, state: fold(result.events, state) };
        }
        if (result.ok) {
          throw new Error(`expected the decision to throw ${typeof expected === 'string' ? `code '${expected}'` : expected.name}, but it returned ${JSON.stringify(result.events)}`);
        }
        const error = result.error;
        if (typeof expected === 'string') {
          expect(error).toBeInstanceOf(Error);
          expect((error as { code?: unknown }).code, describe(error)).toBe(expected);
          return error;
        }
        if (!(error instanceof expected)) throw new Error(`expected ${expected.name} but the decision threw ${describe(error)}`, { cause: error });
        if (code !== undefined) expect((error as { code?: unknown }).code, describe(error)).toBe(code);
        return error;
      };
      const succeeds = async (): Promise<{ events: TEvent[]; state: TState }> => {
        const result = await run();
        if (!result.ok) throw new Error(`expected the decision to succeed, but it threw ${describe(result.error)}`, { cause: result.error });
        return { events: result.events, state: fold(result.events, state) };
      };
      return { then, succeeds } as Outcome<TEvent, TState>;
    },
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.constructor.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`;
  }
  return String(error);
}
