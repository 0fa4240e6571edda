import type { BackendCall, BackendResult } from './backend-call.type';
import { BackendServices } from './backend-services.port';

type Answer = (call: BackendCall) => BackendResult | Promise<BackendResult>;

/** Test double: answers each service with a function and records every call it receives. */
export class RecordingBackendServices extends BackendServices {
  readonly calls: BackendCall[] = [];

  constructor(private readonly answers: Record<string, Answer>) {
    super();
  }

  names(): string[] {
    return Object.keys(this.answers);
  }

  async call(call: BackendCall): Promise<BackendResult> {
    this.calls.push(call);
    // Own answers only: a service named 'constructor' or '__proto__' must not find Object's.
    const answer = Object.hasOwn(this.answers, call.service) ? this.answers[call.service] : undefined;
    if (answer === undefined) throw new Error(`unknown backend service '${call.service}'`);
    return answer(call);
  }
}
