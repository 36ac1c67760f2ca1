import type { Message } from '../anthropic/types';
import type { Block } from './shared';

/**
 * Builds the Messages API conversation from OpenAI's, where a turn may be spread over several entries: an assistant
 * message and its tool calls, or one `tool` message per result. Consecutive entries of one role become one
 * message, as the Messages API itself reads them; system text before the first turn is the request's `system`, and
 * later system text stays where it was, as a system message (both generations read those).
 */
export class Conversation {
  readonly messages: Message[] = [];
  private readonly leadingSystem: string[] = [];

  addSystem(text: string): void {
    if (text === '') return;
    if (this.messages.length === 0) this.leadingSystem.push(text);
    else this.messages.push({ role: 'system', content: text });
  }

  add(role: 'user' | 'assistant', content: string | Block[]): void {
    if (content.length === 0) return;
    const last = this.messages.at(-1);
    if (last?.role !== role) {
      this.messages.push({ role, content });
      return;
    }
    last.content = [...asBlocks(last.content), ...asBlocks(content)];
  }

  get system(): string | undefined {
    return this.leadingSystem.length > 0 ? this.leadingSystem.join('\n\n') : undefined;
  }
}

const asBlocks = (content: Message['content']): Block[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content;
