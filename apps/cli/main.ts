/** Entry point of the `dsp` command (bin/dsp.js loads the compiled form of this file). */
import { runCli } from './src/cli.program';
import { nodeIo } from './src/node-io.adapter';

// `dsp log | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void runCli(process.argv.slice(2), nodeIo()).then((exitCode) => {
  process.exitCode = exitCode;
});
