/**
 * Reads a V8 .cpuprofile (from --cpu-prof) and lists where the time went: self time per function, and per
 * origin (the app bundle, undici, Node internals, GC, idle). Enough to point at a cost without opening DevTools.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Gap } from './loop-gaps';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function origin(url: string, name: string): string {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (program)';
  if (url.includes('node_modules/undici')) return 'undici';
  if (url.includes('node_modules/better-sqlite3')) return 'better-sqlite3';
  if (url.includes('node_modules/')) return url.split('node_modules/')[1]!.split('/')[0]!;
  if (url.startsWith('node:')) return 'Node internals';
  if (url.includes('/dist/')) return 'app (bundle)';
  return url === '' ? 'native' : path.basename(url);
}

export function summarizeProfile(file: string, top = 25): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const key = `${name}  ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const where = origin(url, name);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + us);
  }
  const busy = total - (byOrigin.get('idle') ?? 0);
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1)}%`.padStart(6);
  const lines = [
    `Profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of ` +
      'busy time)',
    '',
    'By origin:',
  ];
  for (const [where, us] of [...byOrigin].sort((a, b) => b[1] - a[1]))
    if (where !== 'idle') lines.push(`  ${pct(us)}  ${where}`);
  lines.push('', `Top ${top} functions by self time:`);
  for (const [key, us] of [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .filter(([key]) => !key.startsWith('(idle)'))
    .slice(0, top)) {
    lines.push(`  ${pct(us)}  ${key}`);
  }
  return lines.join('\n');
}

/**
 * What filled the event loop's gaps (loop-gaps.ts) in a profile of the same stretch: each sample inside a gap is put
 * on the garbage collector, on the poll phase (the profiler counts it idle, yet inside a gap it is the kernel's reads
 * and writes for the sockets being served), or on the nearest frame of the app's own code above it, else on the
 * function itself. Time is each sample's interval, so a gap's parts add up to about its length.
 */
export function summarizeGaps(file: string, gaps: readonly Gap[], top = 20): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const label = (id: number): string => {
    const self = byId.get(id)!.callFrame;
    if (self.functionName === '(garbage collector)') return 'garbage collector';
    if (self.functionName === '(idle)') return 'poll phase (socket reads and writes)';
    if (self.functionName === '(program)') return 'V8/native (program)';
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (origin(frame.url, frame.functionName) === 'app (bundle)')
        return `app: ${frame.functionName || '(anonymous)'}`;
    }
    return `${self.functionName || '(anonymous)'} ${self.url ? path.basename(self.url) : '(native)'}`;
  };
  const inside = gaps.filter(([start, end]) => start >= profile.startTime && end <= profile.endTime);
  const sorted = [...inside].sort((a, b) => a[0] - b[0]);
  const byLabel = new Map<string, number>();
  let at = profile.startTime;
  let g = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    while (g < sorted.length && sorted[g]![1] < at) g++;
    const gap = sorted[g];
    if (!gap || at < gap[0]) return;
    const key = label(id);
    byLabel.set(key, (byLabel.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const gapUs = inside.reduce((sum, [start, end]) => sum + end - start, 0);
  const lines = [
    `The loop's gaps inside the profile: ${inside.length} (of ${gaps.length}), ${(gapUs / 1000).toFixed(0)} ms ` +
      'in all, filled by (ms, share of gap time):',
  ];
  for (const [key, us] of [...byLabel].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${(us / 1000).toFixed(1).padStart(8)}  ${`${((100 * us) / gapUs).toFixed(0)}%`.padStart(4)}  ${key}`);
  }
  return lines.join('\n');
}
