// Types for typed-in.mjs, which main/cli.ts imports.
export function typedIn(env: NodeJS.ProcessEnv, cwd?: string): string;
export function withTypedInPaths(env: NodeJS.ProcessEnv, cwd?: string): NodeJS.ProcessEnv;
