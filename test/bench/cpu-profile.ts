/**
 * Reads a V8 .cpuprofile (from --cpu-prof) and lists where the time went: self time per function, and per
 * origin (the app bundle, undici, Node internals, GC, idle). Enough to point at a cost without opening DevTools.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
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
