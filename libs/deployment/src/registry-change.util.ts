import { MAX_INLINE_REGISTRY_ENTRY_BYTES, type RegistryChangedV1 } from '@dsp/contracts';
import { normalizeRegistryEntry, type RegistryEntry } from '@dsp/store';

/** The registry topic's message for an entry just written: the entry itself inline, unless it is large. */
export function registryChangeMessage(entry: RegistryEntry, maxInlineBytes = MAX_INLINE_REGISTRY_ENTRY_BYTES): string {
  const { repository, commit, revision, ...rest } = normalizeRegistryEntry(entry);
  const inline = JSON.stringify({ repository, commit, revision, entry: rest } satisfies RegistryChangedV1);
  return Buffer.byteLength(inline) <= maxInlineBytes ? inline : JSON.stringify({ repository, commit, revision } satisfies RegistryChangedV1);
}
