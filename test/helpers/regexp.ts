/** `text` as a regular expression's source that matches it literally, to build a pattern around words a test holds. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
