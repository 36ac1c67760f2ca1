import fs from 'node:fs';

/**
 * Where a process's resident memory sits, from /proc/<pid>/smaps (Linux only), for telling apart what "native"
 * memory (RSS − V8 heap − external) is made of after a burst:
 * - `brk`: glibc's main arena ([heap]): small and mid-size blocks freed but not given back (fragmentation);
 * - `arenas`: glibc's other arenas, mappings of up to 64 MB starting on a 64 MB boundary;
 * - `otherAnon`: everything else anonymous: V8's heap pages, blocks glibc mmapped whole (≥ its mmap threshold);
 * - `files`: the node binary, libraries and other file mappings.
 */
export interface ResidentSplit {
  brk: number;
  arenas: number;
  otherAnon: number;
  files: number;
}

const ARENA_ALIGN = 64 * 1024 * 1024;

export function residentSplit(pid: number): ResidentSplit | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return undefined;
  }
  const split: ResidentSplit = { brk: 0, arenas: 0, otherAnon: 0, files: 0 };
  let kind: keyof ResidentSplit = 'otherAnon';
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[2]!;
      if (name === '[heap]') kind = 'brk';
      else if (name.startsWith('/')) kind = 'files';
      else if (name === '' && BigInt(`0x${head[1]}`) % BigInt(ARENA_ALIGN) === 0n) kind = 'arenas';
      else kind = 'otherAnon';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) split[kind] += Number(rss[1]) * 1024;
  }
  return split;
}

export function describeSplit(split: ResidentSplit | undefined, mb: (bytes: number) => string): string {
  if (!split) return 'resident split: not available (no /proc)';
  return (
    `resident split: glibc main arena ${mb(split.brk)}, other arenas ${mb(split.arenas)}, ` +
    `other anonymous (V8 pages, mmapped blocks) ${mb(split.otherAnon)}, files ${mb(split.files)}`
  );
}
