import path from 'node:path';

/** The Claude Code 2.1.197 fixture, kept in the repository so every clone (CI's included) can run the tests. */
export const CLAUDE_CODE_FIXTURES = path.resolve(__dirname, '../fixtures/claude-code');
export const CLAUDE_CODE_REQUEST = path.join(CLAUDE_CODE_FIXTURES, 'messages-request-2.1.197.json');
