import { ConsoleLogger, type LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * The logger of every DSP process: human-readable by default, one JSON object per line with
 * DSP_LOG_FORMAT=json (for log shippers); DSP_LOG_LEVEL = error | warn | info | debug.
 */
export function processLogger(app: string, env: NodeJS.ProcessEnv = process.env): ConsoleLogger {
  const level = env.DSP_LOG_LEVEL === 'info' || env.DSP_LOG_LEVEL === undefined ? 'log' : env.DSP_LOG_LEVEL;
  const upTo = LEVELS.indexOf(level as LogLevel);
  const logLevels = LEVELS.slice(0, upTo === -1 ? 4 : upTo + 1);
  return new ConsoleLogger(app, { json: env.DSP_LOG_FORMAT === 'json', logLevels, colors: env.DSP_LOG_FORMAT !== 'json' && process.stdout.isTTY });
}
