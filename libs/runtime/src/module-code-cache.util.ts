import ivm from 'isolated-vm';

let consumed: boolean | undefined;

/**
 * Whether this isolated-vm build consumes cached data for modules. Upstream isolated-vm compiles
 * modules without V8's consume-code-cache option, so it ignores the data and never reports it
 * rejected; DSP depends on a patched build (vendor/isolated-vm-*-dsp.*.tgz, see its DSP-PATCH.md).
 * Probed once: V8 refuses data that is not a code cache, which only a consuming build can notice.
 * Without it the platform still runs, compiling every script from source.
 */
export function moduleCodeCacheConsumed(): boolean {
  if (consumed === undefined) {
    const isolate = new ivm.Isolate({ memoryLimit: 8 });
    try {
      const junk = new ivm.ExternalCopy(new ArrayBuffer(64));
      const module = isolate.compileModuleSync('export default 1;', { filename: 'file:///probe.js', cachedData: junk } as ivm.CompileModuleOptions) as ivm.Module & {
        cachedDataRejected?: boolean;
      };
      consumed = module.cachedDataRejected === true;
      junk.release();
    } finally {
      isolate.dispose();
    }
  }
  return consumed;
}
