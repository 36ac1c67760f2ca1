// Types for demo-words.mjs, which test/unit/demo-words.test.ts imports.
export function demoFolderLine(controlUrl: string, dataDir: string, platform?: NodeJS.Platform): string;
