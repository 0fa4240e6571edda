import { createHash } from 'node:crypto';
import { ScriptArtifactDigestMismatchError, type ScriptArtifact } from './script-artifacts.port';

/**
 * SHA-256 (hex) of `len(javascript) | javascript | len(cachedData) | cachedData`, lengths as 8-byte
 * big-endian byte counts and javascript as UTF-8, so no byte can move across the boundary unnoticed.
 */
export function artifactDigest(javascript: string, cachedData: Buffer): string {
  const source = Buffer.from(javascript, 'utf8');
  return createHash('sha256').update(byteLength(source)).update(source).update(byteLength(cachedData)).update(cachedData).digest('hex');
}

/** Whether the artifact's javascript and cachedData are still what its digest was computed over. */
export function hasIntactDigest(artifact: Pick<ScriptArtifact, 'javascript' | 'cachedData' | 'digest'>): boolean {
  return artifactDigest(artifact.javascript, artifact.cachedData) === artifact.digest;
}

/** Write-side check shared by the adapters: all artifacts are valid or none is written. */
export function assertIntactDigests(artifacts: readonly ScriptArtifact[]): void {
  const broken = artifacts.find((artifact) => !hasIntactDigest(artifact));
  if (broken) throw new ScriptArtifactDigestMismatchError(broken.blob, broken.engine);
}

function byteLength(bytes: Buffer): Buffer {
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64BE(BigInt(bytes.length));
  return prefix;
}
