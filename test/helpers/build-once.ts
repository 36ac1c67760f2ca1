import type { TestProject } from 'vitest/node';
import { buildMain } from './processes';

/**
 * vitest's globalSetup (vitest.config.mts): bundles the entry points the process tests run (dist/main/*.js, the
 * simulator's) once, before any test file starts. DECISION: once a run, not once a file: 20-odd files start built
 * processes, and each used to run the whole build in its beforeAll, the same output every time, each build seconds on a
 * 2-core machine while the other worker waits for the CPU. Built here even when the run has no such file: it is one
 * build, and a file run alone (`npx vitest run test/integration/x.test.ts`) still gets what it starts. In watch mode
 * sources change between runs of a file, so there each file builds for itself as before (buildEntryPoints).
 */
export default async function setup(project: TestProject): Promise<void> {
  const watching = project.vitest.config.watch;
  if (!watching) await buildMain();
  project.provide('entryPointsBuilt', !watching);
}
