import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Integration tests bind real loopback ports and SQLite files; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Temp dirs made outside a test are removed after the file; a file whose event loop stops turning (which no
    // timeout of vitest's can catch) is killed within a minute, naming the file and the test: see the setup file.
    setupFiles: ['test/helpers/vitest-setup.ts'],
    // dist/ built once for the run, before any file starts the processes it holds: see the file.
    globalSetup: ['test/helpers/build-once.ts'],
  },
});
