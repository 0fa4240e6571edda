/**
 * `npm run bench:vcs`: version-control reads at scale, ours against the git CLI, same machine,
 * same run. A repository of N commits (default 10,000) and 200 files is seeded through the
 * management API (control + projector as processes on real Kafka and Cassandra); the identical
 * history is rebuilt with `git fast-import` (same files, authors, timestamps, messages, so the
 * commit ids are equal, which is asserted) and cloned. Then, interleaved A/B over several
 * repetitions: the first page of the log, a file's history, a diff of two revisions 1,000
 * commits apart and a three-way merge (dry run), plus one real merge on both sides. Results are
 * checked against git (log ids, file-history ids, diff text, merge commit id), and a breakdown
 * times the same reads in-process against the read models to show where the time goes.
 *
 * Usage: tsx test/infra/with-infra.ts tsx test/bench/vcs.bench.ts [--commits 10000] [--files 200]
 *        [--reps 25] [--span 1000] [--branch-back 100] [--feature-commits 20] [--seed 1] [--keep]
 * With DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS set it uses those servers directly.
 */
import { Client, tracker, types as cassandraTypes } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repositoryStream } from '@dsp/contracts';
import { CachedVcsReadModel } from '../../libs/store/src/cached-vcs-read-model';
import { CassandraEventStore } from '../../libs/store/src/cassandra/cassandra-event-store';
import { CassandraVcsReadModel } from '../../libs/store/src/cassandra/cassandra-vcs-read-model';
import { ancestors, isAncestor, mergeBase } from '../../libs/vcs/src/commit-graph.util';
import { RepositoryReader } from '../../libs/vcs/src/repository.reader';
import { evolve, emptyRepositoryState, type RepositoryState } from '../../libs/vcs/src/repository.state';
import { toRepositoryEvent } from '../../libs/vcs/src/repository-streams';
import { mergeFiles } from '../../libs/vcs/src/three-way-merge.adapter';
import { AppProcess, distributedEnvironment, freePort, waitForHttp } from '../e2e/support/platform-processes';
import { fixed as ms, median, quantile, table } from './support/bench-stats';
import { GitCli, writeFastImportStream, type GitRun, type RecordedCommit } from './support/git-cli';
import { HistoryPlan, SCRIPTS, type Author, type PlannedCommit } from './support/vcs-history';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '10000' },
    files: { type: 'string', default: '200' },
    reps: { type: 'string', default: '25' },
    span: { type: 'string', default: '1000' },
    'branch-back': { type: 'string', default: '100' },
    'feature-commits': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});

function positiveInt(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
  return n;
}

const COMMITS = positiveInt('commits', values.commits);
const FILES = positiveInt('files', values.files);
const REPS = positiveInt('reps', values.reps);
const WARMUP = 3;
const BRANCH_BACK = Math.min(positiveInt('branch-back', values['branch-back']), COMMITS - 2);
const FEATURE_COMMITS = positiveInt('feature-commits', values['feature-commits']);
const SPAN = Math.min(positiveInt('span', values.span), COMMITS - 1);
const SEED = positiveInt('seed', values.seed);
const KEEP = values.keep ?? false;
const REPO = 'tv-adapters';
const FEATURE = 'feature/bench';
const MERGER: Author = { name: 'Merge Bot', email: 'merge-bot@tv.example.com' };
const LOG_FORMAT = '--format=%H%x00%an%x00%at%x00%s';

interface Identity {
  name: string;
  email: string;
  timestamp: number;
  timezoneOffset: number;
}

interface LogEntry {
  commit: string;
  parents: string[];
  author: Identity;
  committer: Identity;
  message: string;
}

interface LogPageBody {
  commits: LogEntry[];
  next: string | null;
}

interface MergeBody {
  result: string;
  dryRun: boolean;
  commit: string | null;
  conflicts: unknown[];
}

class Http {
  constructor(
    public base: string,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, text } = await this.call(method, path, body);
    if (status < 200 || status > 299) throw new Error(`${method} ${path} -> ${status}: ${text.slice(0, 2000)}`);
    return JSON.parse(text) as T;
  }
}

/**
 * Counts the queries a Cassandra client runs, their summed latency and response bytes. (The driver
 * insists on an instance of its RequestTracker class; RequestLogger is the typed subclass.)
 */
class QueryMeter extends tracker.RequestLogger {
  queries = 0;
  latencyMs = 0;
  responseBytes = 0;

  reset(): void {
    this.queries = 0;
    this.latencyMs = 0;
    this.responseBytes = 0;
  }

  constructor() {
    super({});
  }

  override onSuccess(_host: unknown, _query: unknown, _parameters: unknown, _options: unknown, _requestLength: number, responseLength: number, latency: number[]): void {
    this.queries += 1;
    this.latencyMs += (latency[0] ?? 0) * 1000 + (latency[1] ?? 0) / 1e6;
    this.responseBytes += responseLength;
  }

  override onError(): void {
    this.queries += 1;
  }
}

interface Op {
  name: string;
  /** A read the 2x aim applies to. */
  read: boolean;
  ours: () => Promise<string>;
  git: string[];
  /** Also timed on the clone with a commit-graph (changed-path Bloom filters). */
  withCommitGraph?: boolean;
  /** Compares the first results; returns a verdict line. */
  check?: (ours: string, git: GitRun) => string;
}

interface OpSamples {
  ours: number[];
  git: number[];
  gitInProcess: number[];
  gitGraph: number[];
  oursFirst: number;
  gitFirst: number;
  verdict: string;
}

const log = (message: string): void => console.log(`[bench:vcs ${new Date().toISOString().slice(11, 19)}] ${message}`);

function subject(message: string): string {
  return message.split('\n')[0] ?? '';
}

function parseGitLog(stdout: Buffer): string[] {
  return stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\0').join(' | '));
}

function oursLogLines(text: string): string[] {
  const body = JSON.parse(text) as LogPageBody;
  return body.commits.map((c) => [c.commit, c.author.name, String(c.author.timestamp), subject(c.message)].join(' | '));
}

function compareLines(ours: string[], git: string[], what: string): string {
  if (ours.length === git.length && ours.every((line, i) => line === git[i])) return `OK: ${what}: ${ours.length} entries identical (id, author, time, subject)`;
  const at = ours.findIndex((line, i) => line !== git[i]);
  const index = at === -1 ? Math.min(ours.length, git.length) : at;
  return `MISMATCH: ${what}: ours ${ours.length} entries, git ${git.length}; first difference at #${index}: ours '${ours[index] ?? '(none)'}' vs git '${git[index] ?? '(none)'}'`;
}

function compareDiff(ours: string, git: string, what: string, dumpDir: string, tag: string): string {
  if (ours === git) return `OK: ${what}: identical text (${ours.length} bytes, ${(ours.match(/^diff --git /gm) ?? []).length} files)`;
  writeFileSync(join(dumpDir, `${tag}.ours.diff`), ours);
  writeFileSync(join(dumpDir, `${tag}.git.diff`), git);
  const split = (text: string): Map<string, string> => new Map(text.split(/^(?=diff --git )/m).filter(Boolean).map((chunk) => [chunk.split('\n')[0] ?? '', chunk]));
  const a = split(ours);
  const b = split(git);
  const differing = [...new Set([...a.keys(), ...b.keys()])].filter((key) => a.get(key) !== b.get(key));
  const first = differing[0] ?? '';
  const oursLines = (a.get(first) ?? '').split('\n');
  const gitLines = (b.get(first) ?? '').split('\n');
  const line = oursLines.findIndex((l, i) => l !== gitLines[i]);
  return `MISMATCH: ${what}: ${differing.length} of ${b.size} files differ (ours ${a.size} files, ${ours.length} bytes; git ${git.length} bytes); first: ${first} line ${line + 1}: ours '${oursLines[line] ?? ''}' vs git '${gitLines[line] ?? ''}' (both saved as ${tag}.*.diff in ${dumpDir})`;
}

async function main(): Promise<void> {
  const { env, token } = distributedEnvironment();
  const id = randomBytes(4).toString('hex');
  const keyspace = `bench_vcs_${id}`;
  const namespace = `bench-vcs-${id}.`;
  const platformEnv: NodeJS.ProcessEnv = { ...env, DSP_CASSANDRA_KEYSPACE: keyspace, DSP_KAFKA_NAMESPACE: namespace };
  const work = mkdtempSync(join(tmpdir(), 'dsp-bench-vcs-'));
  const processes: AppProcess[] = [];
  let stopping: Promise<void> | null = null;
  const stopAll = (): Promise<void> => (stopping ??= Promise.all(processes.map((p) => p.stop())).then(() => undefined));
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the processes this benchmark started`);
    void stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onCrash = (error: unknown): void => {
    console.error(error);
    log('crashed: stopping the processes this benchmark started');
    void stopAll().finally(() => process.exit(1));
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const report: string[] = [];
  const out = (line = ''): void => {
    report.push(line);
  };
  let cassandra: Client | null = null;

  try {
    // ---- platform processes -------------------------------------------------------------
    const controlPort = await freePort();
    const control = new AppProcess('control', { ...platformEnv, DSP_CONTROL_PORT: String(controlPort) }).start();
    processes.push(control);
    await waitForHttp(`http://127.0.0.1:${controlPort}/healthz`, control);
    const projector = new AppProcess('projector', { ...platformEnv, DSP_PROJECTOR_PORT: String(await freePort()) }).start();
    processes.push(projector);
    const http = new Http(`http://127.0.0.1:${controlPort}`, token);
    await http.json('POST', '/v1/repos', { name: REPO });
    log(`control :${controlPort} and projector up; keyspace ${keyspace}, Kafka namespace ${namespace}; work dir ${work}`);

    // ---- seeding through the API --------------------------------------------------------
    const plan = new HistoryPlan(FILES, SEED, FEATURE);
    const recorded: RecordedCommit[] = [];
    const shaByMark: string[] = [];
    const mainShas: string[] = [];
    const featureShas: string[] = [];
    const heads = { main: { sha: null as string | null, mark: null as number | null }, feature: { sha: null as string | null, mark: null as number | null } };
    const latencies: number[] = [];
    let step = 0;
    const commit = async (planned: PlannedCommit, side: 'main' | 'feature'): Promise<void> => {
      const head = heads[side];
      const started = performance.now();
      const { status, text } = await http.call('POST', `/v1/repos/${REPO}/commits`, {
        branch: planned.branch,
        parent: head.sha,
        message: planned.message,
        author: planned.author,
        changes: planned.changes,
      });
      latencies.push(performance.now() - started);
      if (status !== 201) throw new Error(`commit #${step} on ${planned.branch} -> ${status}: ${text.slice(0, 2000)}`);
      const sha = (JSON.parse(text) as { commit: string }).commit;
      recorded.push({ mark: recorded.length + 1, branch: planned.branch, parentMark: head.mark, author: planned.author, timestamp: NaN, message: '', changes: planned.changes });
      shaByMark.push(sha);
      (side === 'main' ? mainShas : featureShas).push(sha);
      head.sha = sha;
      head.mark = recorded.length;
      step += 1;
    };
    const branchIndex = COMMITS - 1 - BRANCH_BACK;
    let featureDone = 0;
    const seedStarted = performance.now();
    for (let i = 0; i < COMMITS; i++) {
      await commit(i === 0 ? plan.initial() : plan.next('main', step), 'main');
      if (i === branchIndex) {
        await http.json('POST', `/v1/repos/${REPO}/branches`, { name: FEATURE, from: heads.main.sha });
        plan.startFeature();
        heads.feature = { ...heads.main };
      }
      if (i >= branchIndex) {
        const due = Math.floor(((i - branchIndex) * FEATURE_COMMITS) / BRANCH_BACK);
        for (; featureDone < due; featureDone++) await commit(plan.next('feature', step), 'feature');
      }
      if ((i + 1) % 500 === 0 || i === COMMITS - 1) {
        const now = performance.now();
        const recent = latencies.slice(-500);
        const rate = (step / (now - seedStarted)) * 1000;
        log(`seeded ${i + 1}/${COMMITS} main commits (+${featureDone} feature): ${rate.toFixed(1)} commits/s overall, last 500: median ${ms(median(recent))} ms, p90 ${ms(quantile(recent, 0.9))} ms per commit; ETA ${(((COMMITS - i - 1) / rate) / 60).toFixed(1)} min`);
      }
    }
    const seedMs = performance.now() - seedStarted;
    const mainHead = heads.main.sha ?? '';
    const featureHead = heads.feature.sha ?? '';

    // ---- wait for the projector -----------------------------------------------------------
    const projectionStarted = performance.now();
    const mainIndex = new Map(mainShas.map((sha, i) => [sha, i]));
    let lastProgress = 0;
    for (;;) {
      const refs = await http.json<{ refs: { name: string; commit: string }[] }>('GET', `/v1/repos/${REPO}/refs`);
      const main = refs.refs.find((r) => r.name === 'main')?.commit;
      const feature = refs.refs.find((r) => r.name === FEATURE)?.commit;
      if (main === mainHead && feature === featureHead) break;
      if (!projector.alive) throw new Error(`projector died:\n${projector.logs()}`);
      if (performance.now() - lastProgress > 15_000) {
        log(`waiting for the projector: main projected up to commit ${main ? (mainIndex.get(main) ?? '?') : '-'} of ${COMMITS - 1}`);
        lastProgress = performance.now();
      }
      if (performance.now() - projectionStarted > 3_600_000) throw new Error('projector did not catch up within an hour');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const projectionLagMs = performance.now() - projectionStarted;
    log(`seeded ${step} commits in ${(seedMs / 1000).toFixed(1)} s; projector caught up ${(projectionLagMs / 1000).toFixed(1)} s after the last commit`);

    // ---- the stored history (timestamps are server time) ---------------------------------
    const stored = new Map<string, LogEntry>();
    const mainLog: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/repos/${REPO}/commits?ref=main&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
      const page: LogPageBody = await http.json<LogPageBody>('GET', query);
      for (const entry of page.commits) {
        stored.set(entry.commit, entry);
        mainLog.push(entry.commit);
      }
      cursor = page.next;
    } while (cursor);
    const expectedLog = [...mainShas].reverse();
    if (mainLog.length !== expectedLog.length || mainLog.some((sha, i) => sha !== expectedLog[i])) {
      throw new Error(`the main log read model holds ${mainLog.length} commits, ${mainShas.length} were committed, or in another order`);
    }
    for (const sha of featureShas) stored.set(sha, await http.json<LogEntry>('GET', `/v1/repos/${REPO}/commits/${sha}`));
    for (const [i, record] of recorded.entries()) {
      const entry = stored.get(shaByMark[i] ?? '');
      if (!entry) throw new Error(`commit ${shaByMark[i]} not found in the read model`);
      if (entry.author.timezoneOffset !== 0 || entry.committer.timestamp !== entry.author.timestamp || entry.committer.name !== entry.author.name) {
        throw new Error(`commit ${entry.commit}: author and committer differ or not UTC; the git stream assumes both equal: ${JSON.stringify(entry)}`);
      }
      record.timestamp = entry.author.timestamp;
      record.message = entry.message;
      record.author = { name: entry.author.name, email: entry.author.email };
    }

    // ---- the same history with git ---------------------------------------------------------
    const origin = join(work, 'origin.git');
    const clone = join(work, 'clone.git');
    const cloneGraph = join(work, 'clone-graph.git');
    const git = new GitCli(clone, work);
    await git.ok(['init', '-q', '--bare', '-b', 'main', origin], { cwd: work });
    const streamFile = join(work, 'history.fi');
    writeFastImportStream(streamFile, recorded);
    const importRun = await git.ok(['fast-import', '--quiet', `--export-marks=${join(work, 'marks')}`], { cwd: origin, stdinFile: streamFile });
    const cloneRun = await git.ok(['clone', '-q', '--bare', '--no-local', origin, clone], { cwd: work });
    await git.ok(['clone', '-q', '--bare', '--no-local', origin, cloneGraph], { cwd: work });
    const graphRun = await git.ok(['commit-graph', 'write', '--reachable', '--changed-paths'], { cwd: cloneGraph });
    const gitHeads = (await git.ok(['rev-parse', 'main', FEATURE])).stdout.toString('utf8').trim().split('\n');
    if (gitHeads[0] !== mainHead || gitHeads[1] !== featureHead) {
      const marks = new Map(
        readFileSync(join(work, 'marks'), 'utf8')
          .trim()
          .split('\n')
          .map((line) => line.split(' ') as [string, string]),
      );
      const first = shaByMark.findIndex((sha, i) => marks.get(`:${i + 1}`) !== sha);
      throw new Error(
        `commit ids differ: ours main ${mainHead} / ${FEATURE} ${featureHead}, git ${gitHeads.join(' / ')}; first differing commit #${first}: ours ${shaByMark[first]}, git ${marks.get(`:${first + 1}`)} (stream kept in ${work})`,
      );
    }
    log(`git: fast-import ${(importRun.wallMs / 1000).toFixed(1)} s, clone ${(cloneRun.wallMs / 1000).toFixed(1)} s; heads equal ours (main ${mainHead.slice(0, 12)}, ${FEATURE} ${featureHead.slice(0, 12)})`);

    // ---- restart control: its caches (read-model LRU, folded repository state) start empty ---
    // The new one starts before the old one stops, so a failed start (e.g. a migration edited in
    // the working tree meanwhile) leaves the benchmark on the warm process instead of failing it.
    const controlPort2 = await freePort();
    const fresh = new AppProcess('control', { ...platformEnv, DSP_CONTROL_PORT: String(controlPort2) }).start();
    processes.push(fresh);
    const restartStarted = performance.now();
    let restartNote: string;
    try {
      await waitForHttp(`http://127.0.0.1:${controlPort2}/healthz`, fresh);
      restartNote = `control restarted before timing (cold caches): new process ready in ${((performance.now() - restartStarted) / 1000).toFixed(1)} s`;
      await control.stop();
      http.base = `http://127.0.0.1:${controlPort2}`;
    } catch (error) {
      await fresh.stop();
      restartNote = `control could NOT be restarted (${String(error).split('\n').slice(0, 3).join(' ')}); timings ran on the warm seeding process ("ours 1st" is not cold)`;
      log(restartNote);
    }

    // ---- what to measure ---------------------------------------------------------------
    const dataCandidates = plan.dataPaths.filter((p) => !plan.reserved.has(p)).sort((a, b) => (plan.mainChanges.get(a) ?? 0) - (plan.mainChanges.get(b) ?? 0));
    const dataPath = dataCandidates[Math.floor(dataCandidates.length / 2)] ?? '';
    const scriptPath = [...SCRIPTS].sort((a, b) => (plan.mainChanges.get(a) ?? 0) - (plan.mainChanges.get(b) ?? 0))[0] ?? '';
    const reservedPath = [...plan.reserved][0] ?? '';
    const diffFrom = mainShas[mainShas.length - 1 - SPAN] ?? '';
    const diffTo = mainHead;
    const enc = encodeURIComponent;
    const base = `/v1/repos/${REPO}`;
    const get = (path: string) => async (): Promise<string> => {
      const { status, text } = await http.call('GET', path);
      if (status !== 200) throw new Error(`GET ${path} -> ${status}: ${text.slice(0, 500)}`);
      return text;
    };
    const logCheck = (what: string) => (ours: string, gitRun: GitRun) => compareLines(oursLogLines(ours), parseGitLog(gitRun.stdout), what);
    const ops: Op[] = [
      { name: 'log: first page (50) of main', read: true, ours: get(`${base}/commits?ref=main&limit=50`), git: ['log', '--first-parent', '-50', LOG_FORMAT, 'main'], withCommitGraph: true, check: logCheck('log page') },
      {
        name: `file history: ${dataPath} (${plan.mainChanges.get(dataPath)} changes)`,
        read: true,
        ours: get(`${base}/commits?ref=main&path=${enc(dataPath)}&limit=50`),
        git: ['log', '--first-parent', '-50', LOG_FORMAT, 'main', '--', dataPath],
        withCommitGraph: true,
        check: logCheck('file history (data file)'),
      },
      {
        name: `file history: ${scriptPath} (${plan.mainChanges.get(scriptPath)} changes)`,
        read: true,
        ours: get(`${base}/commits?ref=main&path=${enc(scriptPath)}&limit=50`),
        git: ['log', '--first-parent', '-50', LOG_FORMAT, 'main', '--', scriptPath],
        withCommitGraph: true,
        check: logCheck('file history (rarely changed script)'),
      },
      {
        name: `diff: ${SPAN} commits apart (two ids)`,
        read: true,
        ours: get(`${base}/diff?from=${diffFrom}&to=${diffTo}`),
        git: ['-c', 'core.abbrev=7', 'diff', diffFrom, diffTo],
        check: (ours, gitRun) => compareDiff(ours, gitRun.stdout.toString('utf8'), `diff ${diffFrom.slice(0, 7)}..${diffTo.slice(0, 7)}`, work, 'ids'),
      },
      {
        name: `diff: main~${SPAN} main (revision syntax)`,
        read: true,
        ours: get(`${base}/diff?from=${enc(`main~${SPAN}`)}&to=main`),
        git: ['-c', 'core.abbrev=7', 'diff', `main~${SPAN}`, 'main'],
        check: (ours, gitRun) => compareDiff(ours, gitRun.stdout.toString('utf8'), `diff main~${SPAN} main`, work, 'revs'),
      },
      {
        name: `log: first page (50) of ${FEATURE}`,
        read: true,
        ours: get(`${base}/commits?ref=${enc(FEATURE)}&limit=50`),
        git: ['log', '--first-parent', '-50', LOG_FORMAT, FEATURE],
        withCommitGraph: true,
        check: logCheck(`log page of ${FEATURE}`),
      },
      {
        name: `file history on ${FEATURE}: ${scriptPath}`,
        read: true,
        ours: get(`${base}/commits?ref=${enc(FEATURE)}&path=${enc(scriptPath)}&limit=50`),
        git: ['log', '--first-parent', '-50', LOG_FORMAT, FEATURE, '--', scriptPath],
        withCommitGraph: true,
        check: logCheck(`file history of ${scriptPath} on ${FEATURE}`),
      },
      {
        name: `merge ${FEATURE} into main (3-way, dry run)`,
        read: false,
        ours: async () => {
          const { status, text } = await http.call('POST', `${base}/merges`, { source: FEATURE, target: 'main', author: MERGER, dryRun: true });
          if (status !== 201 && status !== 200) throw new Error(`dry-run merge -> ${status}: ${text.slice(0, 500)}`);
          return text;
        },
        git: ['merge-tree', '--write-tree', 'main', FEATURE],
        check: (ours, gitRun) => {
          const body = JSON.parse(ours) as MergeBody;
          const ok = body.result === 'merge' && body.conflicts.length === 0 && gitRun.code === 0;
          return `${ok ? 'OK' : 'MISMATCH'}: dry-run merge: ours '${body.result}' with ${body.conflicts.length} conflicts; git merge-tree exit ${gitRun.code} (tree ${gitRun.stdout.toString('utf8').trim().slice(0, 12)})`;
        },
      },
      { name: 'baseline: GET /healthz vs `git version`', read: false, ours: get('/healthz'), git: ['version'] },
    ];

    // ---- interleaved A/B timing ------------------------------------------------------------
    const samples = new Map<Op, OpSamples>(ops.map((op) => [op, { ours: [], git: [], gitInProcess: [], gitGraph: [], oursFirst: NaN, gitFirst: NaN, verdict: '' }]));
    const gitGraph = new GitCli(cloneGraph, work);
    log(`timing ${ops.length} operations, ${WARMUP} warm-up + ${REPS} measured repetitions each, alternating which side goes first`);
    for (let rep = 0; rep < WARMUP + REPS; rep++) {
      for (const op of ops) {
        const s = samples.get(op);
        if (!s) continue;
        const runOurs = async (): Promise<string> => {
          const started = performance.now();
          const text = await op.ours();
          const elapsed = performance.now() - started;
          if (rep === 0) s.oursFirst = elapsed;
          if (rep >= WARMUP) s.ours.push(elapsed);
          return text;
        };
        const runGit = async (): Promise<GitRun> => {
          const result = await git.run(op.git);
          if (op.git[0] !== 'merge-tree' && result.code !== 0) throw new Error(`git ${op.git.join(' ')} exited ${result.code}: ${result.stderr}`);
          if (rep === 0) s.gitFirst = result.wallMs;
          if (rep >= WARMUP) {
            s.git.push(result.wallMs);
            s.gitInProcess.push(result.inProcessMs);
          }
          return result;
        };
        let oursText: string;
        let gitResult: GitRun;
        if (rep % 2 === 0) {
          oursText = await runOurs();
          gitResult = await runGit();
        } else {
          gitResult = await runGit();
          oursText = await runOurs();
        }
        if (op.withCommitGraph && rep >= WARMUP) s.gitGraph.push((await gitGraph.run(op.git)).wallMs);
        if (rep === 0 && op.check) s.verdict = op.check(oursText, gitResult);
      }
    }
    const refsAfterDryRuns = await http.json<{ refs: { name: string; commit: string }[] }>('GET', `${base}/refs`);
    const dryRunWroteNothing = refsAfterDryRuns.refs.find((r) => r.name === 'main')?.commit === mainHead;

    // ---- one real merge on each side --------------------------------------------------------
    const mergeStarted = performance.now();
    const merged = await http.json<MergeBody>('POST', `${base}/merges`, { source: FEATURE, target: 'main', author: MERGER });
    const oursMergeMs = performance.now() - mergeStarted;
    // The merge commit is read back (its timestamp) once the projector has it.
    for (const deadline = Date.now() + 120_000; ; ) {
      const refs = await http.json<{ refs: { name: string; commit: string }[] }>('GET', `${base}/refs`);
      if (refs.refs.find((r) => r.name === 'main')?.commit === merged.commit) break;
      if (Date.now() > deadline) throw new Error('the merge was not projected within 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const mergeCommit = await http.json<LogEntry>('GET', `${base}/commits/${merged.commit ?? ''}`);
    const gitMergeTree = await git.ok(['merge-tree', '--write-tree', 'main', FEATURE]);
    const mergedTree = gitMergeTree.stdout.toString('utf8').split('\n')[0] ?? '';
    const date = `@${mergeCommit.author.timestamp} +0000`;
    const gitCommitTree = await git.ok(['commit-tree', mergedTree, '-p', 'main', '-p', FEATURE], {
      input: mergeCommit.message,
      env: { GIT_AUTHOR_NAME: MERGER.name, GIT_AUTHOR_EMAIL: MERGER.email, GIT_COMMITTER_NAME: MERGER.name, GIT_COMMITTER_EMAIL: MERGER.email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    const gitMergeId = gitCommitTree.stdout.toString('utf8').trim();
    const gitUpdateRef = await git.ok(['update-ref', 'refs/heads/main', gitMergeId, mainHead]);
    const gitMergeMs = gitMergeTree.wallMs + gitCommitTree.wallMs + gitUpdateRef.wallMs;
    const mergeVerdict =
      merged.result === 'merge' && merged.commit === gitMergeId
        ? `OK: real merge: ours ${merged.commit} == git merge-tree + commit-tree ${gitMergeId} (tree ${mergedTree.slice(0, 12)})`
        : `MISMATCH: real merge: ours ${merged.result} ${merged.commit} vs git ${gitMergeId}`;
    const postMergeLog = compareLines(oursLogLines(await get(`${base}/commits?ref=main&limit=50`)()), parseGitLog((await git.ok(['log', '--first-parent', '-50', LOG_FORMAT, 'main'])).stdout), 'log page after the merge');
    const postMergeFile = compareLines(
      oursLogLines(await get(`${base}/commits?ref=main&path=${enc(reservedPath)}&limit=50`)()),
      parseGitLog((await git.ok(['log', '--first-parent', '-50', LOG_FORMAT, 'main', '--', reservedPath])).stdout),
      `history of ${reservedPath} (changed only on ${FEATURE}) after the merge`,
    );

    // ---- where our time goes: the same reads in-process, straight on the read models ---------
    log('breakdown: the same reads in-process against the read models');
    const meter = new QueryMeter();
    cassandra = new Client({
      contactPoints: (env.DSP_CASSANDRA_CONTACT_POINTS ?? '127.0.0.1').split(','),
      localDataCenter: env.DSP_CASSANDRA_DATACENTER ?? 'datacenter1',
      keyspace,
      queryOptions: { consistency: cassandraTypes.consistencies.localQuorum, prepare: true },
      requestTracker: meter,
    });
    await cassandra.connect();
    const cassandraClient = cassandra;
    const uncached = (): RepositoryReader => new RepositoryReader(new CassandraVcsReadModel(cassandraClient));
    const cachedReader = new RepositoryReader(new CachedVcsReadModel(new CassandraVcsReadModel(cassandraClient)));
    // Prepare every statement once so the cold numbers below are about data, not preparation.
    await uncached().log(REPO, 'main', 1);
    await uncached().log(REPO, 'main', 1, undefined, dataPath);
    await uncached().diff(REPO, mainShas[1] ?? '', mainShas[2] ?? '');
    const breakdown: { name: string; http: number; run: (reader: RepositoryReader) => Promise<unknown> }[] = [
      { name: 'log page (main)', http: median(samples.get(ops[0] as Op)?.ours ?? []), run: (r) => r.log(REPO, 'main', 50) },
      { name: `file history ${dataPath}`, http: median(samples.get(ops[1] as Op)?.ours ?? []), run: (r) => r.log(REPO, 'main', 50, undefined, dataPath) },
      { name: `file history ${scriptPath}`, http: median(samples.get(ops[2] as Op)?.ours ?? []), run: (r) => r.log(REPO, 'main', 50, undefined, scriptPath) },
      { name: 'diff (two ids)', http: median(samples.get(ops[3] as Op)?.ours ?? []), run: (r) => r.diff(REPO, diffFrom, diffTo) },
      { name: `diff main~${SPAN} main`, http: median(samples.get(ops[4] as Op)?.ours ?? []), run: (r) => r.diff(REPO, `${mainHead}~${SPAN}`, mainHead) },
      { name: `log page (${FEATURE})`, http: median(samples.get(ops[5] as Op)?.ours ?? []), run: (r) => r.log(REPO, FEATURE, 50) },
      { name: `file history on ${FEATURE}`, http: median(samples.get(ops[6] as Op)?.ours ?? []), run: (r) => r.log(REPO, FEATURE, 50, undefined, scriptPath) },
    ];
    const breakdownRows: string[][] = [];
    for (const item of breakdown) {
      meter.reset();
      const started = performance.now();
      await item.run(uncached());
      const cold = performance.now() - started;
      const cold_ = { queries: meter.queries, latency: meter.latencyMs, bytes: meter.responseBytes };
      await item.run(cachedReader);
      const warm: number[] = [];
      const warmQueries: number[] = [];
      for (let i = 0; i < 20; i++) {
        meter.reset();
        const t = performance.now();
        await item.run(cachedReader);
        warm.push(performance.now() - t);
        warmQueries.push(meter.queries);
      }
      breakdownRows.push([item.name, ms(item.http), ms(median(warm)), String(median(warmQueries)), ms(cold), String(cold_.queries), ms(cold_.latency), (cold_.bytes / 1024).toFixed(0)]);
    }
    // The merge runs on the write side's folded repository state: fold cost (a cold control) and compute.
    meter.reset();
    const heapBefore = process.memoryUsage().heapUsed;
    const readStarted = performance.now();
    const events = await new CassandraEventStore(cassandraClient).read(repositoryStream(REPO));
    const readMs = performance.now() - readStarted;
    const eventBytes = meter.responseBytes;
    const foldStarted = performance.now();
    let state: RepositoryState = emptyRepositoryState();
    for (const event of events) state = evolve(state, toRepositoryEvent(event));
    const foldMs = performance.now() - foldStarted;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const targetHead = state.branches.get('main')?.head ?? '';
    const sourceHead = state.branches.get(FEATURE)?.head ?? '';
    const filesOf = (sha: string | null): Map<string, string> => new Map([...(sha ? (state.commits.get(sha)?.files ?? []) : [])].map(([path, file]) => [path, file.content]));
    const computeSamples: { ancestors: number[]; base: number[]; merge: number[] } = { ancestors: [], base: [], merge: [] };
    for (let i = 0; i < 10; i++) {
      let t = performance.now();
      isAncestor(state, sourceHead, mainHead);
      computeSamples.ancestors.push(performance.now() - t);
      t = performance.now();
      const mergeBaseId = mergeBase(state, mainHead, sourceHead);
      computeSamples.base.push(performance.now() - t);
      t = performance.now();
      mergeFiles(filesOf(mergeBaseId), filesOf(mainHead), filesOf(sourceHead));
      computeSamples.merge.push(performance.now() - t);
    }
    void targetHead;

    // ---- report ---------------------------------------------------------------------------
    const cpu = cpus();
    out('');
    out('=== DSP version control vs git CLI ===');
    out(`machine: ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), ${platform()} ${release()}, node ${process.version}, ${(await git.ok(['version'])).stdout.toString('utf8').trim()}`);
    out('Both sides ran on this machine in this run, interleaved A/B (alternating which goes first), with Kafka, Cassandra, control and projector on the same cores.');
    out(`repository: ${COMMITS} commits on main + ${FEATURE_COMMITS} on ${FEATURE} (branched ${BRANCH_BACK} commits before main's head), ${FILES} files (1 manifest, ${SCRIPTS.length} scripts, ${plan.dataPaths.length} data files), seed ${SEED}`);
    out(`seeding: ${step} commits sequentially over HTTP in ${(seedMs / 1000).toFixed(1)} s = ${((step / seedMs) * 1000).toFixed(1)} commits/s; per commit median ${ms(median(latencies))} ms, p90 ${ms(quantile(latencies, 0.9))} ms, max ${ms(Math.max(...latencies))} ms`);
    const firstK = latencies.slice(0, 500);
    const lastK = latencies.slice(-500);
    out(`  commit latency, first 500: median ${ms(median(firstK))} ms; last 500: median ${ms(median(lastK))} ms (growth with history length)`);
    out(`  projector caught up ${(projectionLagMs / 1000).toFixed(1)} s after the last commit was acknowledged`);
    out(`git: fast-import of the same history ${(importRun.wallMs / 1000).toFixed(2)} s, clone --no-local ${(cloneRun.wallMs / 1000).toFixed(2)} s, commit-graph --changed-paths ${(graphRun.wallMs / 1000).toFixed(2)} s; heads identical: main ${mainHead}, ${FEATURE} ${featureHead}`);
    out(restartNote);
    out('');
    out(`ours = HTTP request to the management API (keep-alive connection, body read). git = spawn of the git CLI on a bare clone, until exit (what a CLI user pays);`);
    out(`git in-proc = git's own time (GIT_TRACE_PERFORMANCE). git+cg = same command on a clone with a commit-graph incl. changed-path Bloom filters. ${REPS} samples per cell after ${WARMUP} warm-ups.`);
    const rows = ops.map((op) => {
      const s = samples.get(op);
      if (!s) return [op.name];
      const ratio = median(s.ours) / median(s.git);
      const verdict = op.read ? (ratio <= 2 ? ' ok' : ' >2x') : '';
      return [
        op.name,
        ms(median(s.ours)),
        ms(quantile(s.ours, 0.9)),
        ms(s.oursFirst),
        ms(median(s.git)),
        ms(quantile(s.git, 0.9)),
        ms(median(s.gitInProcess)),
        op.withCommitGraph ? ms(median(s.gitGraph)) : '',
        `${ratio.toFixed(2)}${verdict}`,
        ms(median(s.ours) / median(s.gitInProcess), 2),
      ];
    });
    rows.push([
      'merge, real (1 sample each; git: merge-tree + commit-tree + update-ref)',
      ms(oursMergeMs),
      '',
      '',
      ms(gitMergeMs),
      '',
      ms(gitMergeTree.inProcessMs + gitCommitTree.inProcessMs + gitUpdateRef.inProcessMs),
      '',
      (oursMergeMs / gitMergeMs).toFixed(2),
      ms(oursMergeMs / (gitMergeTree.inProcessMs + gitCommitTree.inProcessMs + gitUpdateRef.inProcessMs), 2),
    ]);
    out(table(['operation', 'ours med ms', 'ours p90', 'ours 1st', 'git med ms', 'git p90', 'git in-proc', 'git+cg med', 'ours/git', 'ours/git in-proc'], rows));
    out('("ours 1st" = first call after the control restart; "ok" / ">2x" = against the aim of reads within 2x of git incl. spawn)');
    out('');
    out('correctness:');
    for (const op of ops) {
      const s = samples.get(op);
      if (s?.verdict) out(`  ${s.verdict}`);
    }
    out(`  ${dryRunWroteNothing ? 'OK' : 'MISMATCH'}: ${WARMUP + REPS} dry-run merges left main at ${mainHead.slice(0, 12)}`);
    out(`  ${mergeVerdict}`);
    out(`  ${postMergeLog}`);
    out(`  ${postMergeFile}`);
    out('');
    out('where our time goes (in-process RepositoryReader in the bench process, same keyspace; "warm" = CachedVcsReadModel as control uses it, median of 20;');
    out(`"cold" = no cache, one Cassandra query per object; latency sum > wall where queries overlap). HTTP + Nest + auth overhead ~ the /healthz row: ${ms(median(samples.get(ops[ops.length - 1] as Op)?.ours ?? []))} ms`);
    out(table(['read', 'HTTP med ms', 'in-proc warm ms', 'warm queries', 'in-proc cold ms', 'cold queries', 'query latency sum ms', 'cold KiB read'], breakdownRows));
    out(
      `merge (write side): folding the repository stream is what a cold control pays first: read ${events.length} events (${(eventBytes / 2 ** 20).toFixed(1)} MiB) ${ms(readMs)} ms + fold ${ms(foldMs)} ms (heap +${(heapGrowth / 2 ** 20).toFixed(0)} MiB for events and folded state); then per merge: ancestors ${ms(median(computeSamples.ancestors), 2)} ms, merge base ${ms(median(computeSamples.base), 2)} ms, file merge ${ms(median(computeSamples.merge), 2)} ms (${ancestors(state, mainHead).size} ancestors)`,
    );
    console.log(report.join('\n'));
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    if (cassandra) {
      if (!KEEP) await cassandra.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch((error: unknown) => log(`could not drop keyspace ${keyspace}: ${String(error)}`));
      await cassandra.shutdown();
    } else if (!KEEP) {
      await dropKeyspace(env, keyspace);
    }
    if (!KEEP) {
      await deleteKafkaNamespace(env, namespace);
      rmSync(work, { recursive: true, force: true });
    } else {
      log(`kept: keyspace ${keyspace}, Kafka namespace ${namespace}, git repositories in ${work}`);
    }
  }
}

async function dropKeyspace(env: NodeJS.ProcessEnv, keyspace: string): Promise<void> {
  const client = new Client({ contactPoints: (env.DSP_CASSANDRA_CONTACT_POINTS ?? '127.0.0.1').split(','), localDataCenter: env.DSP_CASSANDRA_DATACENTER ?? 'datacenter1' });
  try {
    await client.connect();
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  } catch (error) {
    log(`could not drop keyspace ${keyspace}: ${String(error)}`);
  } finally {
    await client.shutdown();
  }
}

/** Deletes the topics and consumer groups of this run's Kafka namespace (and nothing else). */
async function deleteKafkaNamespace(env: NodeJS.ProcessEnv, namespace: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-vcs-cleanup', brokers: (env.DSP_KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(namespace));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(namespace));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } catch (error) {
    log(`could not delete Kafka namespace ${namespace}: ${String(error)}`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
