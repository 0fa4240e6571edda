/** The real process behind `CliIo`. */
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import type { CliIo } from './cli-io.type';

export function nodeIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    writeOut: (chunk) => void process.stdout.write(chunk),
    writeErr: (text) => void process.stderr.write(text),
    gitConfig: (key, cwd) => {
      try {
        const value = execFileSync('git', ['config', '--get', key], {
          cwd,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: 5_000,
        }).trim();
        return value || undefined;
      } catch {
        return undefined; // git not installed, or the key is not set
      }
    },
    osUserName: () => {
      try {
        return userInfo().username;
      } catch {
        // Containers often run as a uid without a passwd entry.
        return process.env.USER ?? process.env.USERNAME ?? 'dsp-user';
      }
    },
  };
}
