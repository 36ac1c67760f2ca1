/**
 * A `search_result` block (the client's own search, handed to the model to cite) as the text the upstream reads.
 * Neither generation has such a block: Generation B would get its bare type and Generation A a JSON line cut at
 * 2,000 characters, so the model answered without the results it was given. Citations are not carried upstream
 * (README, "Request features"), so the text keeps what a reader needs: where it came from, and what it says.
 */
export function searchResultText(block: Record<string, unknown>): string {
  const title = typeof block['title'] === 'string' ? block['title'] : '';
  const source = typeof block['source'] === 'string' ? block['source'] : '';
  let head = '[Search result';
  if (title !== '') head += ` "${title}"`;
  if (source !== '') head += ` from ${source}`;
  head += ']';
  const content = block['content'];
  let body = '';
  if (Array.isArray(content)) {
    for (const item of content as Array<Record<string, unknown> | null>) {
      if (item?.['type'] !== 'text' || typeof item['text'] !== 'string' || item['text'] === '') continue;
      body = body === '' ? item['text'] : `${body}\n\n${item['text']}`;
    }
  }
  return body === '' ? head : `${head}\n${body}`;
}
