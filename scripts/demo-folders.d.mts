// Types for demo-folders.mjs, which test/unit/demo-folders.test.ts imports.
export const DEMO_PREFIX: string;
export const DEMO_PID_FILE: string;
export const STALE_AFTER_MS: number;
export function makeDemoFolder(tmp: string, pid?: number): string;
export function removeStaleDemoFolders(tmp: string, now?: number): string[];
