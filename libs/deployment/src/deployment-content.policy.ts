import { Injectable } from '@nestjs/common';
import { MANIFEST_PATH } from '@dsp/contracts';
import { checkScripts } from '@dsp/runtime';
import { EndpointClaims, RegistryReadModel } from '@dsp/store';
import { CommitContentPolicy, type CommitProblem, type ContentCheck, type ContentVerdict } from '@dsp/vcs';
import { isScriptPath, parseManifest, routeKey } from './manifest';
import { DEPLOYED_BRANCH } from './deployed-branch.constant';

/**
 * The deployment rules every commit must pass: a valid manifest, scripts that compile and
 * import only files of the repository, and no endpoint that another repository owns. A commit
 * on the deployed branch claims its routes (compare-and-set) before it is appended, and the
 * claims are undone if it is not; routes it drops are released once it is.
 */
@Injectable()
export class DeploymentContentPolicy extends CommitContentPolicy {
  constructor(
    private readonly registry: RegistryReadModel,
    private readonly claims: EndpointClaims,
  ) {
    super();
  }

  async check({ repository, branch, files, baseFiles, quotas }: ContentCheck): Promise<ContentVerdict> {
    const problems: CommitProblem[] = [];
    const scripts = [...files].filter(([path]) => isScriptPath(path)).map(([path, source]) => ({ path, source }));
    problems.push(...checkScripts(scripts));
    if (quotas?.maxScriptBytes !== undefined) {
      for (const script of scripts) {
        const size = Buffer.byteLength(script.source, 'utf8');
        if (size > quotas.maxScriptBytes) problems.push({ path: script.path, message: `script is ${size} bytes; the repository's quota is ${quotas.maxScriptBytes}` });
      }
    }
    const routes = routesOf(files);
    if (quotas?.maxEndpoints !== undefined && routes.keys.size > quotas.maxEndpoints) {
      problems.push({ path: MANIFEST_PATH, message: `declares ${routes.keys.size} endpoints; the repository's quota is ${quotas.maxEndpoints}` });
    }
    if (routes.problems.length > 0 || problems.length > 0) return settled([...problems, ...routes.problems]);

    const keys = [...routes.keys.keys()];
    const owners = new Map(await this.registryOwners(repository));
    for (const [route, owner] of await this.claims.owners(keys)) if (owner !== repository) owners.set(route, owner);
    const foreign = keys.filter((key) => owners.has(key));
    if (foreign.length > 0 || branch !== DEPLOYED_BRANCH) return settled(conflicts(foreign, owners, routes.keys));

    const ownedBefore = await this.claims.owners(keys);
    const conflictsNow = await this.claims.claim(repository, keys);
    if (conflictsNow.length > 0) {
      return settled(conflicts(conflictsNow.map((c) => c.route), new Map(conflictsNow.map((c) => [c.route, c.owner])), routes.keys));
    }
    const newlyClaimed = keys.filter((key) => ownedBefore.get(key) !== repository);
    const dropped = [...routesOf(baseFiles).keys.keys()].filter((key) => !routes.keys.has(key));
    return {
      problems: [],
      settle: async (appended) => {
        if (appended) await this.claims.release(repository, dropped);
        else await this.claims.release(repository, newlyClaimed);
      },
    };
  }

  async checkDeployment(repository: string, files: ReadonlyMap<string, string>): Promise<ContentVerdict> {
    const routes = routesOf(files);
    if (routes.problems.length > 0) return settled(routes.problems);
    const keys = [...routes.keys.keys()];
    const ownedBefore = await this.claims.owners(keys);
    const conflictsNow = await this.claims.claim(repository, keys);
    if (conflictsNow.length > 0) {
      return settled(conflicts(conflictsNow.map((c) => c.route), new Map(conflictsNow.map((c) => [c.route, c.owner])), routes.keys));
    }
    const newlyClaimed = keys.filter((key) => ownedBefore.get(key) !== repository);
    return { problems: [], settle: async (appended) => (appended ? undefined : this.claims.release(repository, newlyClaimed)) };
  }

  private async registryOwners(repository: string): Promise<[string, string][]> {
    const owners: [string, string][] = [];
    for (const entry of await this.registry.list()) {
      if (entry.repository === repository) continue;
      for (const endpoint of entry.endpoints) owners.push([routeKey(endpoint.method, endpoint.path), entry.repository]);
    }
    return owners;
  }
}

function routesOf(files: ReadonlyMap<string, string>): { keys: Map<string, string>; problems: CommitProblem[] } {
  const manifest = files.get(MANIFEST_PATH);
  if (manifest === undefined) return { keys: new Map(), problems: [] };
  const parsed = parseManifest(manifest, files);
  return { keys: new Map(parsed.manifest.endpoints.map((e) => [routeKey(e.method, e.path), `${e.method} ${e.path}`])), problems: parsed.problems };
}

function conflicts(routes: string[], owners: ReadonlyMap<string, string>, labels: ReadonlyMap<string, string>): CommitProblem[] {
  return routes.map((route) => ({ path: MANIFEST_PATH, message: `${labels.get(route) ?? route} is already served by repository '${owners.get(route) ?? '?'}'` }));
}

function settled(problems: CommitProblem[]): ContentVerdict {
  return { problems, settle: async () => undefined };
}
