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
      { extends: true, test: { name: 'int', include: ['{apps,libs,test}/**/*.int-spec.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.e2e-spec.ts'], testTimeout: 120_000, hookTimeout: 180_000, poolOptions: { forks: { singleFork: true } } },
      },
    ],
  },
});
