import swc from 'unplugin-swc';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// One runner for every tier. SWC keeps decorator metadata so Nest DI works in tests;
// forks (not threads) because isolated-vm needs --no-node-snapshot on its process.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias: [{ find: /^@dsp\/([a-z-]+)$/, replacement: resolve(__dirname, 'libs/$1/src') }] },
  test: {
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--no-node-snapshot'] } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['{apps,libs}/**/*.spec.ts'] } },
      // The escape corpus again, each attack on the inline path (ADR 10). Not the uninterruptible
      // built-ins: inline they hold the event loop, which the wedge strike and the supervisor's
      // stall watchdog bound; in the isolate's thread they are contained as that spec shows.
      {
        extends: true,
        test: {
          name: 'escapes-inline',
          include: ['libs/runtime/src/escapes/*.spec.ts'],
          exclude: ['libs/runtime/src/escapes/uninterruptible-builtins.spec.ts', 'libs/runtime/src/escapes/inline-escapes.spec.ts'],
          env: { DSP_ESCAPES_INLINE: 'on' },
        },
      },
      { extends: true, test: { name: 'int', include: ['{apps,libs,test}/**/*.int-spec.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.e2e-spec.ts'], testTimeout: 120_000, hookTimeout: 180_000, poolOptions: { forks: { singleFork: true } } },
      },
    ],
  },
});
