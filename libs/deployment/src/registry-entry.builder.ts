/** The registry entry of a repository at one commit: the endpoints it declares and its scripts. */
import { MANIFEST_PATH } from '@dsp/contracts';
import type { RegistryEntry } from '@dsp/store';
import type { RepositoryReader } from '@dsp/vcs';
import { isScriptPath, parseManifest } from './manifest';

export async function registryEntryAt(reader: RepositoryReader, repository: string, commitId: string, revision: number): Promise<RegistryEntry> {
  const commit = await reader.resolve(repository, commitId);
  const files = await reader.files(repository, commit);
  const manifestFile = files.find((f) => f.path === MANIFEST_PATH);
  const paths = new Map(files.map((f) => [f.path, '']));
  const manifest = manifestFile ? parseManifest(await reader.blob(repository, manifestFile.blob), paths).manifest : { endpoints: [] };
  return {
    repository,
    commit: commit.commit,
    revision,
    endpoints: manifest.endpoints,
    scripts: files.filter((f) => isScriptPath(f.path)).map((f) => ({ path: f.path, blob: f.blob })),
  };
}
