/** How isolated-vm reports the end of a piece of script execution that was not the script's own doing. */
export type IsolateFailure = 'timeout' | 'memory' | 'disposed';

export function isolateFailureOf(error: unknown): IsolateFailure | undefined {
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('Script execution timed out')) return 'timeout';
  if (message.includes('memory limit')) return 'memory';
  if (message.includes('Isolate is disposed') || message.includes('Isolate was disposed')) return 'disposed';
  return undefined;
}
