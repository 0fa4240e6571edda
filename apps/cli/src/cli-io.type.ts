/** Everything the CLI touches outside its arguments, so tests can run it in-process. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  writeOut(chunk: string | Uint8Array): void;
  writeErr(text: string): void;
  /** `git config --get <key>` run in `cwd`; undefined when git or the key is missing. */
  gitConfig(key: 'user.name' | 'user.email', cwd: string): string | undefined;
  osUserName(): string;
}
