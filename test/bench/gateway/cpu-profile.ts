/**
 * Summary of a V8 .cpuprofile (node --cpu-prof): where the main thread's time went, by function
 * (self and inclusive time) and by area (which package or part of the code base). Only the main
 * thread is sampled: isolate threads of isolated-vm do not appear.
 */
import { readFile } from 'node:fs/promises';
import { fixed, table } from '../support/bench-stats';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function isCpuProfile(value: unknown): value is CpuProfile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.nodes) && Array.isArray(v.samples) && Array.isArray(v.timeDeltas);
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Which part of the system a frame belongs to, for the by-area table. */
export function areaOf(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  const url = frame.url;
  if (url === '') return '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node core (http, net, streams, timers...)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '?');
    return `node_modules/${name}`;
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + 1).split('/');
    return parts.slice(0, 4).join('/').replace(/\.js$/, '');
  }
  return url;
}

function frameLabel(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (SPECIAL.has(name) || frame.url === '') return name;
  let url = frame.url.replace(/^file:\/\//, '');
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) url = url.slice(modules + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) url = url.slice(dist + 1);
  return `${name}  ${url}:${frame.lineNumber + 1}`;
}

export interface ProfileSummary {
  samples: number;
  busySamples: number;
  text: string;
}

/**
 * `window` keeps only samples taken between `fromEndMs` and `toEndMs` before the profile's end
 * (the process's exit), e.g. the load round, without start-up and shutdown.
 *
 * Shares are by sample count. V8 samples on a wall-clock timer by signalling the thread; while the
 * thread waits for a CPU (a busy 2-core machine) pending signals coalesce, so counts follow CPU
 * time while the time between samples ("wall ms") also holds the time spent descheduled.
 */
export async function summarizeCpuProfile(file: string, options: { top?: number; window?: { fromEndMs: number; toEndMs: number } } = {}): Promise<ProfileSummary> {
  const top = options.top ?? 25;
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isCpuProfile(parsed)) throw new Error(`${file} is not a V8 CPU profile`);
  const byId = new Map(parsed.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of parsed.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const selfById = new Map<number, Weight>();
  const from = options.window ? parsed.endTime - options.window.fromEndMs * 1000 : -Infinity;
  const to = options.window ? parsed.endTime - options.window.toEndMs * 1000 : Infinity;
  let at = parsed.startTime;
  for (let i = 0; i < parsed.samples.length; i++) {
    at += parsed.timeDeltas[i] ?? 0;
    if (at < from || at > to) continue;
    const id = parsed.samples[i] ?? -1;
    const delta = parsed.timeDeltas[i + 1] ?? 0; // the time until the next sample belongs to this one
    add(selfById, id, { samples: 1, wallUs: Math.max(0, delta) });
  }

  const total: Weight = { samples: 0, wallUs: 0 };
  const idle: Weight = { samples: 0, wallUs: 0 };
  const selfByLabel = new Map<string, Weight>();
  const inclusiveByLabel = new Map<string, Weight>();
  const byArea = new Map<string, Weight>();
  for (const [id, weight] of selfById) {
    const node = byId.get(id);
    if (!node) continue;
    total.samples += weight.samples;
    total.wallUs += weight.wallUs;
    if (node.callFrame.functionName === '(idle)') {
      idle.samples += weight.samples;
      idle.wallUs += weight.wallUs;
      continue;
    }
    add(selfByLabel, frameLabel(node.callFrame), weight);
    add(byArea, areaOf(node.callFrame), weight);
    // Inclusive: every distinct frame on the stack gets the sample once (recursion counted once).
    const seen = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parentOf.get(up)) {
      const frame = byId.get(up)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const label = frameLabel(frame);
      if (seen.has(label)) continue;
      seen.add(label);
      add(inclusiveByLabel, label, weight);
    }
  }
  const busy: Weight = { samples: total.samples - idle.samples, wallUs: total.wallUs - idle.wallUs };
  const rows = (map: Map<string, Weight>, n: number): string[][] =>
    [...map.entries()]
      .sort((a, b) => b[1].samples - a[1].samples)
      .slice(0, n)
      .map(([label, w]) => [label, String(w.samples), `${fixed((100 * w.samples) / Math.max(1, busy.samples))}%`, fixed(w.wallUs / 1000, 0), `${fixed((100 * w.wallUs) / Math.max(1, busy.wallUs))}%`]);
  const interesting = [...inclusiveByLabel.entries()].filter(([label]) => /dist\/(apps|libs)\//.test(label) || /^(prom-client|fastify|find-my-way|isolated-vm)/.test(label.split('  ')[1] ?? ''));
  const header = (first: string): string[] => [first, 'samples', 'share', 'wall ms', 'wall share'];
  const text = [
    `main thread: ${total.samples} samples over ${fixed(total.wallUs / 1000, 0)} ms, busy in ${busy.samples} samples (${fixed((100 * busy.samples) / Math.max(1, total.samples))}%); shares are of busy samples`,
    '',
    'by area (self):',
    table(header('area'), rows(byArea, 20)),
    '',
    `top ${top} functions (self):`,
    table(header('function  location'), rows(selfByLabel, top)),
    '',
    'project and key-package functions (inclusive):',
    table(header('function  location'), rows(new Map(interesting), 24)),
  ].join('\n');
  return { samples: total.samples, busySamples: busy.samples, text };
}

interface Weight {
  samples: number;
  wallUs: number;
}

function add<K>(map: Map<K, Weight>, key: K, weight: Weight): void {
  const current = map.get(key);
  if (current) {
    current.samples += weight.samples;
    current.wallUs += weight.wallUs;
  } else {
    map.set(key, { ...weight });
  }
}
