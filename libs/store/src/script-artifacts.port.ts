/** What the platform made of one script blob for one engine: its JavaScript (TypeScript transpiled) and V8's code cache. */
export interface ScriptArtifact {
  /** Git blob id of the script's committed source. */
  blob: string;
  /** Engine fingerprint: V8 version, isolated-vm version and flags; cached data is only valid for the engine that produced it. */
  engine: string;
  /** The JavaScript the isolate compiles (the source itself for .js, transpiled for .ts). */
  javascript: string;
  /** V8 code cache produced by the platform for `javascript` under `engine` (never accepted from users). */
  cachedData: Buffer;
  /** SHA-256 (hex) of javascript + cachedData as written; checked on read so a damaged row is never handed to V8. */
  digest: string;
}

/** putMany was given an artifact whose digest is not `artifactDigest(javascript, cachedData)`: a bug in its producer. */
export class ScriptArtifactDigestMismatchError extends Error {
  readonly code = 'script-artifact-digest-mismatch';
  readonly retriable = false;
  constructor(
    readonly blob: string,
    readonly engine: string,
  ) {
    super(`script artifact of blob '${blob}' (engine '${engine}') does not match its digest; recompute it with artifactDigest()`);
  }
}

export abstract class ScriptArtifacts {
  /** Rows getMany found damaged (digest mismatch) and withheld since this adapter was created; each withheld read counts once. */
  damaged = 0;

  /** The artifacts found for these blobs under `engine` (missing ones are simply absent; damaged ones (digest mismatch) are absent too and counted in `damaged`). */
  abstract getMany(engine: string, blobs: readonly string[]): Promise<Map<string, ScriptArtifact>>;
  /** Writes (or replaces) artifacts; idempotent. Rejects them all, writing none, if any digest does not match (ScriptArtifactDigestMismatchError). */
  abstract putMany(artifacts: readonly ScriptArtifact[]): Promise<void>;
}
