import type { BackendCall, BackendResult } from './backend-call.type';

/**
 * The backend services a script may reach through `ctx`. A rejected promise reaches the script as a
 * rejected `ctx` call carrying the error's message; a non-2xx status is a normal result.
 */
export abstract class BackendServices {
  abstract call(call: BackendCall): Promise<BackendResult>;
  abstract names(): string[];
}
