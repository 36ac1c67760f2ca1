/**
 * A Generation A body as the last Generation A client wrote it (spec §2.2: every key, `model` set, `tools` left out),
 * for the simulator's tests: written out by hand, not by the app's encoder, so that it states the spec on its own.
 */
export const GEN_A_SAMPLE_BODY = {
  prompt: 'hi',
  chatHistory: [{ role: 'user', content: 'earlier' }],
  projectId: '00000000-0000-0000-0000-000000000000',
  currentPage: {},
  agentMode: 'claude-sonnet-4-6',
  mode: 'agent',
  gitRepoUrl: '',
  email: 'user@example.test',
  chatSessionId: 'chat_0123456789abcdef',
  userId: 'user_sim1',
  apiVersion: 2,
  model: 'claude-sonnet-4-6',
};
