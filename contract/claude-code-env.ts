/**
 * The environment Orchids Tray hands out for Claude Code (the window's setup card, the tray's "Copy Claude Code
 * setup", the headless app's "Use it:" line), written here once so that all three say the same.
 */

/** Variable name and value, in the order a person reads them. */
export type EnvPair = readonly [name: string, value: string];

export function claudeCodeEnv(baseUrl: string, apiKey: string): EnvPair[] {
  return [
    ['ANTHROPIC_BASE_URL', baseUrl],
    // Claude Code with no key at all (and no Claude login) stops at "Not logged in": it always gets one.
    ['ANTHROPIC_API_KEY', apiKey],
    // Generation B's agent plans with its own TodoWrite. Claude Code 2.1 offers its TodoWrite only with its task
    // tools off; the plan then shows in Claude Code's own to-do list instead of as a checklist in every answer.
    ['CLAUDE_CODE_ENABLE_TASKS', 'false'],
  ];
}

/** `A=1 B=2 claude`: one line for a POSIX shell. */
export function claudeCodeCommand(baseUrl: string, apiKey: string): string {
  return `${claudeCodeEnv(baseUrl, apiKey)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')} claude`;
}
