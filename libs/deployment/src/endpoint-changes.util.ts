/**
 * The semantic endpoint diff between two revisions: what devices will see change. Endpoints are
 * matched by method and path shape (parameter names do not matter, as in routing).
 */
import type { EndpointDeclarationV1 } from '@dsp/contracts';
import { resolveSpecifier } from '@dsp/runtime';
import { routeKey } from './manifest';

export type EndpointChangeKind = 'script' | 'timeoutMs' | 'memoryMb' | 'path' | 'script-content';

export interface EndpointChanges {
  added: EndpointDeclarationV1[];
  removed: EndpointDeclarationV1[];
  changed: { method: string; path: string; before: EndpointDeclarationV1; after: EndpointDeclarationV1; changes: EndpointChangeKind[] }[];
}

/**
 * `changedScripts`: script paths whose content differs between the revisions; `sources`: the
 * scripts of the newer revision, to follow each endpoint's static imports (a change in a module
 * it imports changes the endpoint too).
 */
export function endpointChanges(
  before: EndpointDeclarationV1[],
  after: EndpointDeclarationV1[],
  changedScripts: ReadonlySet<string>,
  sources: ReadonlyMap<string, string> = new Map(),
): EndpointChanges {
  const byKey = (list: EndpointDeclarationV1[]) => new Map(list.map((e) => [routeKey(e.method, e.path), e]));
  const old = byKey(before);
  const now = byKey(after);
  const order = (a: EndpointDeclarationV1, b: EndpointDeclarationV1) => (routeKey(a.method, a.path) < routeKey(b.method, b.path) ? -1 : 1);
  const result: EndpointChanges = {
    added: [...now].filter(([key]) => !old.has(key)).map(([, e]) => e).sort(order),
    removed: [...old].filter(([key]) => !now.has(key)).map(([, e]) => e).sort(order),
    changed: [],
  };
  for (const [key, next] of [...now].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const previous = old.get(key);
    if (!previous) continue;
    const changes: EndpointChangeKind[] = [];
    if (previous.path !== next.path) changes.push('path');
    if (previous.script !== next.script) changes.push('script');
    else if ([...reachableModules(next.script, sources)].some((module) => changedScripts.has(module))) changes.push('script-content');
    if (previous.timeoutMs !== next.timeoutMs) changes.push('timeoutMs');
    if (previous.memoryMb !== next.memoryMb) changes.push('memoryMb');
    if (changes.length > 0) result.changed.push({ method: next.method, path: next.path, before: previous, after: next, changes });
  }
  return result;
}

const STATIC_IMPORT = /(?:^|[;\s])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]/g;

/** The script and every module it reaches through relative static imports (resolved as the runtime does: './x.js' may be x.ts). */
export function reachableModules(script: string, sources: ReadonlyMap<string, string>): Set<string> {
  const paths = new Set(sources.keys());
  const seen = new Set<string>();
  const queue = [script];
  while (queue.length > 0) {
    const path = queue.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const match of (sources.get(path) ?? '').matchAll(STATIC_IMPORT)) {
      const specifier = match[1] ?? match[2];
      const resolution = specifier === undefined ? undefined : resolveSpecifier(specifier, path, paths);
      if (resolution !== undefined && 'path' in resolution) queue.push(resolution.path);
    }
  }
  return seen;
}
