import { createRequire } from 'node:module';

let fingerprint: string | undefined;

/**
 * What V8 code cache is valid for: the V8 version, the isolated-vm build that embeds scripts in
 * it, the CPU architecture and the V8-relevant flags of this process. Cached data is stored under
 * this key, so a gateway on another engine finds none (and V8 itself rejects a mismatch anyway).
 */
export function engineFingerprint(): string {
  if (fingerprint === undefined) {
    const isolatedVm = (createRequire(__filename)('isolated-vm/package.json') as { version: string }).version;
    const flags = process.execArgv.filter((flag) => !/^--(inspect|require|import|loader|env-file|title)/.test(flag)).sort();
    fingerprint = [`v8 ${process.versions.v8}`, `isolated-vm ${isolatedVm}`, process.arch, ...flags].join('; ');
  }
  return fingerprint;
}
