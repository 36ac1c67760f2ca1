import fs from 'node:fs';
import path from 'node:path';

/** The repository's root, where README.md and package.json live. */
export const ROOT = path.resolve(__dirname, '../..');

export function readReadme(file = path.join(ROOT, 'README.md')): string {
  return fs.readFileSync(file, 'utf8');
}

/** The text under a `## ` heading, up to the next one; throws when the heading is gone, so a renamed one is seen. */
export function section(readme: string, heading: string): string {
  const parts = readme.split(/^## /m);
  const found = parts.find((part) => part.startsWith(`${heading}\n`) || part.startsWith(`${heading}:`));
  if (!found) throw new Error(`README has no "## ${heading}" section`);
  return found;
}

const FENCED = /^```[^\n]*\n([\s\S]*?)^```/gm;

/** Every inline code span and every line of every fenced block. */
export function codeTexts(text: string): string[] {
  const lines = [...text.matchAll(FENCED)].flatMap((match) => match[1]!.split('\n'));
  return [...lines, ...spans(text)];
}

/** The body rows of the first Markdown table whose header row begins with `firstHeader`, as lists of cells. */
export function tableRows(text: string, firstHeader: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\|\\s*${firstHeader}\\s*\\|`).test(line));
  if (start < 0) throw new Error(`no table headed "${firstHeader}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(splitCells(line));
  }
  return rows;
}

/** Cells split on `|`, except where a `|` sits inside a code span (`ws|sse-b|sse-a`). */
function splitCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (const char of line.slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)) {
    if (char === '`') inCode = !inCode;
    if (char === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * The inline code spans of a piece of text, without their backticks, outside fenced blocks. A span opened with two
 * backticks holds single ones (``…`claude-sonnet-4-6`…``); read as single spans, it would pair every later one wrong.
 */
export function spans(text: string): string[] {
  const prose = text.replace(FENCED, '');
  // A span may run over a line break, which Markdown reads as a space.
  return [...prose.matchAll(/``\s?([^]+?)\s?``|`([^`]+)`/g)].map((match) =>
    (match[1] ?? match[2]!).replace(/\s+/g, ' '),
  );
}

/** The words a CLI command line names as commands: not values (`<id>`, quoted, a path, `Work`), not flags. */
export function commandWords(command: string): string[] {
  const withoutValues = command
    .replace(/<[^>]*>/g, ' ')
    .replace(/'[^']*'|"[^"]*"/g, ' ')
    .replace(/[[\]]/g, ' ');
  return withoutValues.split(/[\s|]+/).filter((word) => /^[a-z][a-z-]*$/.test(word));
}

export function flags(command: string): string[] {
  return [...command.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)].map((match) => match[1]!);
}
