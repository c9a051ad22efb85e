/**
 * Self time of a `.cpuprofile` (from `node --cpu-prof`) by function and by module, top N of each.
 *   node --import tsx bench/profile/summarise.ts FILE.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: summarise.ts FILE.cpuprofile [--top N]');
const topIndex = process.argv.indexOf('--top');
const top = topIndex >= 0 ? Number(process.argv[topIndex + 1]) : 30;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const moduleOf = (url: string): string => {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  const bench = url.indexOf('/bench/');
  return bench >= 0 ? url.slice(bench + 1) : url;
};

const fns = new Map<string, number>();
const modules = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const mod = moduleOf(url);
  total += us;
  const fn = `${functionName || '(anonymous)'} ${mod}:${lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + us);
  modules.set(mod, (modules.get(mod) ?? 0) + us);
}
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
};
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
print('self time by module', modules);
print('self time by function', fns);

// --callers NAME: who calls the functions named NAME (their self time, by the chain of up to 4 callers).
const callersIndex = process.argv.indexOf('--callers');
if (callersIndex >= 0) {
  const wantedName = process.argv[callersIndex + 1];
  const parent = new Map<number, number>();
  for (const node of profile.nodes as Array<Node & { children?: number[] }>) for (const child of node.children ?? []) parent.set(child, node.id);
  const chains = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName !== wantedName) continue;
    const names: string[] = [];
    let p = parent.get(id);
    for (let depth = 0; depth < Number(process.env.DEPTH ?? 5) && p !== undefined; depth += 1) {
      const frame = byId.get(p)!.callFrame;
      names.push(`${frame.functionName || '(anonymous)'}@${moduleOf(frame.url)}`);
      p = parent.get(p);
    }
    const key = names.join(' < ');
    chains.set(key, (chains.get(key) ?? 0) + us);
  }
  print(`callers of ${wantedName}`, chains);
}

// --inclusive a,b,c: time of the samples with a frame of each named function on their stack (inclusive time).
const inclusiveIndex = process.argv.indexOf('--inclusive');
if (inclusiveIndex >= 0) {
  const names = (process.argv[inclusiveIndex + 1] ?? '').split(',');
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes as Array<Node & { children?: number[] }>) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const totals = new Map<string, number>(names.map((n) => [n, 0]));
  for (const [id, us] of selfUs) {
    const onStack = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parentOf.get(p)) onStack.add(byId.get(p)!.callFrame.functionName);
    for (const name of names) if (onStack.has(name)) totals.set(name, totals.get(name)! + us);
  }
  print('inclusive time', totals);
}
