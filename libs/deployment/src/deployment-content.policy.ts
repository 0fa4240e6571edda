import { Injectable } from '@nestjs/common';
import { MANIFEST_PATH } from '@dsp/contracts';
import { checkScripts } from '@dsp/runtime';
import { RegistryReadModel } from '@dsp/store';
import { CommitContentPolicy, type CommitProblem } from '@dsp/vcs';
import { isScriptPath, parseManifest, routeKey } from './manifest';

/**
 * The deployment rules every commit must pass: a valid manifest, scripts that compile and
 * import only files of the repository, and no endpoint that another repository serves.
 */
@Injectable()
export class DeploymentContentPolicy extends CommitContentPolicy {
  constructor(private readonly registry: RegistryReadModel) {
    super();
  }

  async check(repository: string, files: ReadonlyMap<string, string>): Promise<CommitProblem[]> {
    const problems: CommitProblem[] = [];
    const scripts = [...files].filter(([path]) => isScriptPath(path)).map(([path, source]) => ({ path, source }));
    problems.push(...checkScripts(scripts));
    const manifest = files.get(MANIFEST_PATH);
    if (manifest === undefined) return problems;
    const parsed = parseManifest(manifest, files);
    problems.push(...parsed.problems);
    const owners = new Map<string, string>();
    for (const entry of await this.registry.list()) {
      if (entry.repository === repository) continue;
      for (const endpoint of entry.endpoints) owners.set(routeKey(endpoint.method, endpoint.path), entry.repository);
    }
    for (const endpoint of parsed.manifest.endpoints) {
      const owner = owners.get(routeKey(endpoint.method, endpoint.path));
      if (owner) problems.push({ path: MANIFEST_PATH, message: `${endpoint.method} ${endpoint.path} is already served by repository '${owner}'` });
    }
    return problems;
  }
}
