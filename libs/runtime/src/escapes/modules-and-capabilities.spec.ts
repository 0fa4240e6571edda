// Escape corpus: reaching host capabilities through the module system and engine features:
// node: built-ins, absolute paths, paths outside the repository, data: and http: URLs, dynamic
// import(), import.meta, V8 code-cache injection, eval/Function, WebAssembly, SharedArrayBuffer /
// Atomics.wait, timers, and modules whose top-level await never settles or spins.
import { afterEach, describe, expect, it } from 'vitest';
import { CompiledRepository } from '../compiled-repository.sandbox';
import { SANDBOX_GLOBALS } from '../sandbox-bootstrap.constant';
import type { ScriptFile } from '../script-file.type';
import { scriptErrorOf } from '../sandbox-test.util';
import { attackWith, compileAttack, disposeAttacks, expectHostIntact, expectServesAfter } from './escape-corpus.util';

afterEach(disposeAttacks);

async function refusedImport(specifier: string): Promise<string[]> {
  const compiling = compileAttack(`import x from '${specifier}';\nexport default () => ({ status: 200, body: String(x) });`);
  const error = await scriptErrorOf(compiling, 'script-invalid');
  return (error.details.problems ?? []).map((problem) => `${problem.path}:${problem.line ?? '?'} ${problem.message}`);
}

describe('modules and engine capabilities', () => {
  it.each([
    ['node:fs', "attack.js:1 cannot import 'node:fs': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')"],
    ['fs', "attack.js:1 cannot import 'fs': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')"],
    ['/etc/passwd', "attack.js:1 cannot import '/etc/passwd': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')"],
    ['../../outside.js', "attack.js:1 cannot import '../../outside.js': it points outside the repository"],
    ['./lib/../../../etc/x.js', "attack.js:1 cannot import './lib/../../../etc/x.js': it points outside the repository"],
    ['data:text/javascript,export default 1', "attack.js:1 cannot import 'data:text/javascript,export default 1': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')"],
    ['https://evil.example/x.js', "attack.js:1 cannot import 'https://evil.example/x.js': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')"],
    ['file:///etc/passwd', "attack.js:1 cannot import 'file:///etc/passwd': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')"],
  ])('a static import of %s is refused at compile time (script-invalid), nothing runs', async (specifier, problem) => {
    expect(await refusedImport(specifier)).toEqual([problem]);
    expectHostIntact();
  });

  it('dynamic import() of node built-ins, data: URLs and the repository\'s own files is refused at run time', async () => {
    const { attack, outcome } = await attackWith(`export default async () => {
      const attempt = (specifier) => import(specifier).then(() => 'imported ' + specifier, (error) => error.message);
      return { status: 200, body: await Promise.all([attempt('node:child_process'), attempt('data:text/javascript,export default 1'), attempt('./benign.js')]) };
    };`);

    expect((await outcome).body).toEqual(['Not supported', 'Not supported', 'Not supported']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('import.meta carries no host information (no url, no resolve, no filename)', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: { keys: Reflect.ownKeys(import.meta).map(String), proto: Object.getPrototypeOf(import.meta) } });`);

    expect((await outcome).body).toEqual({ keys: [], proto: null });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('cached-data injection: a forged code cache is refused by V8 and the script runs from its own source', async () => {
    // V8 trusts an accepted code cache blindly (isolated-vm CVE-2022-39266), so cached data is only
    // ever produced by the platform and stored with a digest; users can only commit source (the
    // control API refuses unknown fields). Should forged data reach an isolate anyway, V8's checks
    // (magic, version, source hash, flags) refuse it and the script is compiled from source.
    const source = `export default () => ({ status: 200, body: 'compiled from source' });`;
    const forged: ScriptFile = { path: 'attack.js', source, cachedData: Buffer.from('forged code cache '.repeat(40)) };

    const repository = await CompiledRepository.compile([forged], { memoryMb: 16, produceCachedData: true });
    const response = await repository.run('attack.js', { method: 'GET', path: '/', params: {}, query: {}, headers: {}, body: null }, { call: () => Promise.reject(new Error('none')), names: () => [] }, { timeoutMs: 150, memoryMb: 16 });
    const report = repository.codeCache;
    repository.dispose();

    expect(response.body).toBe('compiled from source');
    expect(report.accepted).toEqual([]);
    expect(report.rejected).toEqual(['attack.js']);
    expect(report.produced.get('attack.js')?.javascript).toBe(source);
    expectHostIntact();
  });

  it('eval and Function are allowed but confined to the isolate\'s realm', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: [
      eval('typeof process'), (0, eval)('typeof require'), new Function('return typeof globalThis.process')(),
      (0, eval)('this') === globalThis, eval('(function () { return this; })()') === undefined,
    ] });`);

    expect((await outcome).body).toEqual(['undefined', 'undefined', 'undefined', true, true]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('WebAssembly, SharedArrayBuffer and Atomics (Atomics.wait spinning) are unreachable', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      const viaMemory = (() => { try { return typeof new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer; } catch (error) { return error.name; } })();
      const viaWait = (() => { try { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1e9); return 'waited'; } catch (error) { return error.name; } })();
      return { status: 200, body: [typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics, viaMemory, viaWait] };
    };`);

    expect((await outcome).body).toEqual(['undefined', 'undefined', 'undefined', 'ReferenceError', 'ReferenceError']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('timers (setTimeout, setInterval, setImmediate, queueMicrotask) are absent, so no callback outlives its request', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: [typeof setTimeout, typeof setInterval, typeof setImmediate, typeof queueMicrotask, typeof FinalizationRegistry] });`);

    expect((await outcome).body).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a top-level await that never settles before an arrow default export: script-not-found, the others serve', async () => {
    const { attack, outcome } = await attackWith(`await new Promise(() => {});\nexport default () => ({ status: 200 });`);

    const error = await scriptErrorOf(outcome, 'script-not-found');
    expect(error.message).toBe("attack.js cannot serve requests: its default export cannot be read: Cannot access 'default' before initialization");
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a top-level await followed by an endless loop: script-timeout while loading, the repository is given up, a fresh one serves', async () => {
    const { attack, outcome } = await attackWith(`await null;\nfor (;;) {}\nexport default () => ({ status: 200 });`);

    await scriptErrorOf(outcome, 'script-timeout');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: true });
  });

  it('globalThis walked end to end (own names, symbols, prototype chain): nothing beyond the ECMAScript allow-list', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      const names = new Set();
      for (let object = globalThis; object !== null; object = Object.getPrototypeOf(object)) {
        for (const key of Reflect.ownKeys(object)) names.add(String(key));
      }
      return { status: 200, body: [...names].sort() };
    };`);

    // The global, V8's empty object between it and Object.prototype (a constructor), and Object.prototype.
    const allowed = [...SANDBOX_GLOBALS, 'constructor', ...Reflect.ownKeys(Object.prototype).map(String)];
    expect((await outcome).body).toEqual([...new Set(allowed)].sort());
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
