// Escape corpus, inline: attacks whose handler runs on the host's own thread (ADR 10), in the
// batch bridge (invokeMany / collectMany) rather than one invoke per run. Each attack's module is
// evaluated first and its gate trusts it at once, so the attack itself is the first inline run.
// Same bar as the rest of the corpus: the host's built-ins untouched, the bridge not bent, the
// benign script still served; and the host's event loop held for the inline budget at most.
import { afterEach, describe, expect, it } from 'vitest';
import { CompiledRepository } from '../compiled-repository.sandbox';
import { InlineGate } from '../inline-gate';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { deviceRequest, longestStall, scriptErrorOf } from '../sandbox-test.util';
import type { ScriptResponse } from '../script-response.type';
import { expectHostIntact } from './escape-corpus.util';
import type { ScriptLimits } from '../script-limits.type';

/** A request budget far above the inline budget (20 ms), so that a stall shows which one held the event loop. */
const LIMITS: ScriptLimits = Object.freeze({ timeoutMs: 1000, memoryMb: 16 });
/** The inline budget plus scheduling noise on a busy machine; a stall of a whole request budget is ten times this. */
const STALL_LIMIT_MS = 100;

const BENIGN = { path: 'benign.js', source: `export default (request) => ({ status: 200, body: { serving: true, echo: request.params.echo ?? null } });` };
const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: { title: 'host data' } }) });
const opened: CompiledRepository[] = [];

afterEach(() => {
  for (const repository of opened.splice(0)) repository.dispose();
});

interface InlineAttack {
  repository: CompiledRepository;
  gate: InlineGate;
  /** Runs attack.js (several at once: one batch) and reports the longest the event loop went without turning. */
  run(count?: number): Promise<{ outcomes: PromiseSettledResult<ScriptResponse>[]; stallMs: number }>;
}

async function inlineAttack(source: string): Promise<InlineAttack> {
  const gate = new InlineGate('attacker', 0);
  const repository = await CompiledRepository.compile([{ path: 'attack.js', source }, BENIGN], { memoryMb: LIMITS.memoryMb, inline: gate });
  opened.push(repository);
  await repository.prepare('attack.js');
  await repository.prepare('benign.js');
  return {
    repository,
    gate,
    run: async (count = 1) => {
      const { value: outcomes, stallMs } = await longestStall(() =>
        Promise.allSettled(Array.from({ length: count }, () => repository.run('attack.js', deviceRequest(), services, LIMITS))),
      );
      return { outcomes, stallMs };
    },
  };
}

function answered(outcome: PromiseSettledResult<ScriptResponse> | undefined): ScriptResponse {
  if (outcome?.status !== 'fulfilled') throw new Error(`expected an answer, got ${outcome?.status === 'rejected' ? String(outcome.reason) : 'nothing'}`);
  return outcome.value;
}

async function expectBenignServed(attack: InlineAttack): Promise<void> {
  let repository = attack.repository;
  if (repository.disposed) {
    repository = await CompiledRepository.compile([BENIGN], { memoryMb: LIMITS.memoryMb });
    opened.push(repository);
  }
  const response = await repository.run('benign.js', deviceRequest({ params: { echo: 'after' } }), services, LIMITS);
  expect(response).toEqual({ status: 200, headers: {}, body: { serving: true, echo: 'after' } });
}

describe('inline escape attempts', () => {
  it('a prototype walk from ctx and the request reaches only the isolate realm', async () => {
    const attack = await inlineAttack(`export default (request, ctx) => {
      const F = ctx.constructor.constructor, G = request.constructor.constructor;
      return { status: 200, body: { process: F('return typeof process')(), require: G('return typeof require')(), same: F('return this')() === globalThis } };
    };`);

    const { outcomes } = await attack.run();

    expect(answered(outcomes[0]).body).toEqual({ process: 'undefined', require: 'undefined', same: true });
    expect(attack.gate.inlineRuns).toBe(1);
    expectHostIntact();
    await expectBenignServed(attack);
  });

  it('patched built-ins the batch bridge uses (Map, Array index setters, defineProperty, JSON, Promise) do not bend it', async () => {
    const attack = await inlineAttack(`
      let runs = 0;
      export default () => {
        runs += 1;
        if (runs === 1) {
          for (const i of [0, 1, 2, 3]) Object.defineProperty(Array.prototype, i, { set() { throw new Error('hijacked index'); }, get() { return 'hijacked'; }, configurable: true });
          Map.prototype.get = () => 'hijacked'; Map.prototype.set = () => { throw new Error('hijacked set'); };
          Map.prototype.delete = () => false; Map.prototype.has = () => true;
          Object.defineProperty = () => { throw new Error('hijacked defineProperty'); };
          JSON.stringify = () => '{"status":200,"body":"hijacked"}';
          Promise.prototype.then = function () { throw new Error('hijacked then'); };
          String.prototype.slice = () => 'hijacked';
        }
        return { status: 200, body: { runs } };
      };`);

    const first = await attack.run();
    const batch = await attack.run(4);

    expect(answered(first.outcomes[0]).body).toEqual({ runs: 1 });
    expect(batch.outcomes.map((outcome) => (answered(outcome).body as { runs: number }).runs).sort()).toEqual([2, 3, 4, 5]);
    expect(attack.gate.inlineRuns).toBe(5);
    expect(attack.gate.open).toBe(true);
    expectHostIntact();
    await expectBenignServed(attack);
  });

  it('Error.prepareStackTrace handing out call sites: the host gets a string, not the frames', async () => {
    const attack = await inlineAttack(`export default () => {
      Error.prepareStackTrace = (error, frames) => frames.map((frame) => { try { return typeof frame.getThis() + ':' + typeof frame.getFunction(); } catch (e) { return 'refused'; } });
      throw new Error('walk the frames');
    };`);

    const { outcomes } = await attack.run();

    const error = await scriptErrorOf(Promise.reject((outcomes[0] as PromiseRejectedResult).reason), 'script-threw');
    expect(typeof error.details?.scriptStack === 'string' || error.details?.scriptStack === undefined).toBe(true);
    expect(attack.gate.inlineRuns).toBe(1);
    expectHostIntact();
    await expectBenignServed(attack);
  });

  it('a Proxy response whose traps spin: stopped at the inline budget, then script-timeout in the isolate thread', async () => {
    const attack = await inlineAttack(`export default () => new Proxy({}, { get() { for (;;) {} } });`);

    const { outcomes, stallMs } = await attack.run();

    await scriptErrorOf(Promise.reject((outcomes[0] as PromiseRejectedResult).reason), 'script-timeout');
    expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
    expect(attack.gate.overruns).toBe(1);
    expectHostIntact();
    await expectBenignServed(attack);
  });

  it('an endless microtask chain started after answering: the answer stands, the chain is cut at the budget', async () => {
    const attack = await inlineAttack(`export default () => {
      const spin = () => { Promise.resolve().then(spin); };
      Promise.resolve().then(spin);
      return { status: 200, body: 'answered first' };
    };`);

    const { outcomes, stallMs } = await attack.run();

    expect(answered(outcomes[0]).body).toBe('answered first');
    expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
    expect(attack.gate.overruns).toBe(1);
    expectHostIntact();
    await expectBenignServed(attack);
  });

  it('a CPU bomb in a batch of several: each run ends in script-timeout, the event loop is held for the budget only', async () => {
    const attack = await inlineAttack(`export default () => { for (;;) {} };`);

    const { outcomes, stallMs } = await attack.run(3);

    for (const outcome of outcomes) await scriptErrorOf(Promise.reject((outcome as PromiseRejectedResult).reason), 'script-timeout');
    expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
    expect(attack.gate.overruns).toBe(1);
    expectHostIntact();
    await expectBenignServed(attack);
  });

  it('a memory bomb: script-memory, the isolate given up, the host unharmed', async () => {
    const attack = await inlineAttack(`export default () => { const hoard = []; for (;;) hoard.push(new Array(100000).fill(1)); };`);

    const { outcomes } = await attack.run();

    await scriptErrorOf(Promise.reject((outcomes[0] as PromiseRejectedResult).reason), 'script-memory');
    // Stopped inline by the heap limit (a strike), or by the inline budget and then by the heap limit.
    expect(attack.gate.struck !== undefined || attack.gate.overruns === 1).toBe(true);
    expect(attack.repository.disposed).toBe(true);
    expectHostIntact();
    await expectBenignServed(attack);
  });

  it('looking for the batch bridge or its state from script code finds nothing', async () => {
    const attack = await inlineAttack(`export default (request, ctx) => {
      const names = ['invokeMany', 'collectMany', 'inlineRuns', 'hostDone', 'hostCall', 'runs', 'handlers'];
      const keys = (object) => Reflect.ownKeys(object).map(String);
      return { status: 200, body: { globals: names.filter((name) => name in globalThis), ctxKeys: keys(ctx), ctxPrototypeKeys: keys(Object.getPrototypeOf(ctx)) } };
    };`);

    const { outcomes } = await attack.run();

    expect(answered(outcomes[0]).body).toEqual({ globals: [], ctxKeys: ['call', 'log'], ctxPrototypeKeys: ['services'] });
    expect(attack.gate.inlineRuns).toBe(1);
    expectHostIntact();
  });
});
