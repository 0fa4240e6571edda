import { RegistryEntry, RegistryReadModel, normalizeRegistryEntry } from '../registry-read-model.port';

export class EmbeddedRegistryReadModel extends RegistryReadModel {
  private readonly entries = new Map<string, RegistryEntry>();

  async put(entry: RegistryEntry): Promise<void> {
    const current = this.entries.get(entry.repository);
    if (current && current.revision >= entry.revision) return;
    this.entries.set(entry.repository, structuredClone(normalizeRegistryEntry(entry)));
  }
  async get(repository: string): Promise<RegistryEntry | null> {
    return structuredClone(this.entries.get(repository) ?? null);
  }
  async list(): Promise<RegistryEntry[]> {
    return [...this.entries.values()].map((e) => structuredClone(e));
  }
}
