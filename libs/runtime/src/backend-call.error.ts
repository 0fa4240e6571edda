export type BackendCallErrorCode =
  | 'backend-unknown-service'
  | 'backend-method-not-allowed'
  | 'backend-bad-path'
  | 'backend-bad-body'
  | 'backend-address-refused'
  | 'backend-timeout'
  | 'backend-unreachable'
  | 'backend-response-too-large';

/** A backend call that produced no HTTP answer. Its message is what the calling script sees. */
export class BackendCallError extends Error {
  override readonly name = 'BackendCallError';
  readonly retriable: boolean;

  constructor(
    readonly code: BackendCallErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retriable = code === 'backend-timeout' || code === 'backend-unreachable';
  }
}
