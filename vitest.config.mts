import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Integration tests bind real loopback ports and SQLite files; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Temp dirs made outside a test are removed after the file.
    setupFiles: ['test/helpers/vitest-setup.ts'],
  },
});
