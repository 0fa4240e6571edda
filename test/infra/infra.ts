/**
 * Test infrastructure without Docker: a single-node KRaft Kafka and a single-node Cassandra 5.0,
 * run as plain `java -cp 'lib/*' MainClass` processes. Maven fetches their jars once into the
 * git-ignored `.infra/` folder (POMs in test/infra/poms, config templates in test/infra/conf).
 *
 * Module: `infraUp()` / `infraDown()`. CLI: `tsx test/infra/infra.ts up [--fresh] | down`.
 *
 * Layout under .infra/:
 *   <server>/pom.xml, lib/, lib.json   copied POM, fetched jars, "lib is complete" marker
 *   <server>/conf/                     rendered config files
 *   <server>/data/                     storage (wiped by --fresh)
 *   run/<server>.pid, run/<server>.log PID files and server stdout/stderr
 *   tmp/                               exec-able temp dir (JNA unpacks native code there)
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';

export interface InfraEndpoints {
  /** Comma-separated host:port list for kafkajs `brokers`. */
  kafkaBrokers: string;
  /** Comma-separated host:port list for cassandra-driver `contactPoints`. */
  cassandraContactPoints: string;
  /** True when this call launched at least one server (the caller then owns `infraDown()`). */
  startedByUs: boolean;
}

// Always the IPv4 literal: Node may resolve `localhost` to ::1, where nothing listens.
const HOST = '127.0.0.1';
const KAFKA_PORT = 9092;
const KAFKA_CONTROLLER_PORT = 9093;
const CASSANDRA_NATIVE_PORT = 9042;
const CASSANDRA_STORAGE_PORT = 7000;
const KAFKA_ENDPOINT = `${HOST}:${KAFKA_PORT}`;
const CASSANDRA_ENDPOINT = `${HOST}:${CASSANDRA_NATIVE_PORT}`;
const READY_BUDGET_MS = 120_000;
const STOP_GRACE_MS = 20_000;
const LOG_TAIL_LINES = 60;

const ROOT = resolve(__dirname, '..', '..');
const INFRA_DIR = join(ROOT, '.infra');
const RUN_DIR = join(INFRA_DIR, 'run');
const TMP_DIR = join(INFRA_DIR, 'tmp');
const POMS_DIR = join(__dirname, 'poms');
const CONF_DIR = join(__dirname, 'conf');

type ServerName = 'kafka' | 'cassandra';

/** What differs between the two servers; everything else (fetch, launch, wait, stop) is shared. */
interface Server {
  readonly name: ServerName;
  readonly mainClass: string;
  /** The client port: "answers on it" is how a running server is recognised. */
  readonly port: number;
  /** Every port it binds, checked for strangers before anything starts. */
  readonly ports: readonly number[];
  readonly endpoint: string;
  readonly home: string;
  /** Renders config files and does one-time storage setup; runs before every launch. */
  prepare(java: string): Promise<void>;
  jvmOptions(): string[];
  programArgs(): string[];
  /** Resolves with a short description once the server serves clients; throws otherwise. */
  probe(): Promise<string>;
}

class InfraError extends Error {
  override readonly name: string = 'InfraError';
}

/** Waiting stopped because the other server failed: not a failure of this one. */
class AbandonedError extends InfraError {}

/** A server that exited or never became ready: the caller shows its log tail. */
class ServerStartError extends InfraError {
  constructor(
    readonly server: Server,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// small utilities

function log(message: string): void {
  console.log(`[infra] ${message}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const libDir = (server: Server): string => join(server.home, 'lib');
const dataDir = (server: Server): string => join(server.home, 'data');
const confDir = (server: Server): string => join(server.home, 'conf');
const pidFile = (server: Server): string => join(RUN_DIR, `${server.name}.pid`);
const logFile = (server: Server): string => join(RUN_DIR, `${server.name}.log`);

/** Fills `{{NAME}}` placeholders; an unknown name is a bug in the template, so it throws. */
function renderTemplate(templateName: string, values: Record<string, string>): string {
  const file = join(CONF_DIR, templateName);
  return readFileSync(file, 'utf8').replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new InfraError(`${file}: no value for {{${key}}}`);
    return value;
  });
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return `(no log file at ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs a command to completion, capturing its output (shown only when it fails). */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => fail(new InfraError(`${command} could not start: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) done(output);
      else fail(new InfraError(`${command} ${args.join(' ')} exited with ${code}\n${output.trimEnd()}`));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: HOST, port });
    const finish = (answered: boolean): void => {
      socket.destroy();
      done(answered);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

// ---------------------------------------------------------------------------------------------
// JDK: Cassandra 5.0 runs on Java 17 only (24+ cannot install its Security Manager), so the JDK
// is picked by its release file, whatever JAVA_HOME or `java` on PATH happen to be.

function isJdk17(home: string): boolean {
  const release = join(home, 'release');
  if (!existsSync(release) || !existsSync(join(home, 'bin', 'java'))) return false;
  return /^JAVA_VERSION="17[."]/m.test(readFileSync(release, 'utf8'));
}

function findJdk17(): string {
  const jvmRoot = '/usr/lib/jvm';
  const candidates = [process.env.JAVA_HOME, ...(existsSync(jvmRoot) ? readdirSync(jvmRoot).sort().map((entry) => join(jvmRoot, entry)) : [])];
  for (const home of candidates) {
    if (home !== undefined && isJdk17(home)) return realpathSync(home);
  }
  throw new InfraError(`no JDK 17 found (looked at JAVA_HOME and ${jvmRoot}/*/release for JAVA_VERSION="17...")`);
}

// ---------------------------------------------------------------------------------------------
// jars: fetched once per POM content; lib.json records what a complete fetch produced, so a
// later start neither runs Maven nor needs the network.

interface LibMarker {
  pomSha256: string;
  jars: string[];
}

function readLibMarker(server: Server): LibMarker | undefined {
  const file = join(server.home, 'lib.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LibMarker;
  } catch {
    return undefined;
  }
}

function libIsComplete(server: Server, pomSha256: string): boolean {
  const marker = readLibMarker(server);
  if (marker === undefined || marker.pomSha256 !== pomSha256 || marker.jars.length === 0) return false;
  return marker.jars.every((jar) => existsSync(join(libDir(server), jar)));
}

async function fetchJars(server: Server, jdk: string): Promise<void> {
  const pom = readFileSync(join(POMS_DIR, server.name, 'pom.xml'), 'utf8');
  const pomSha256 = createHash('sha256').update(pom).digest('hex');
  if (libIsComplete(server, pomSha256)) return;

  const started = Date.now();
  log(`fetching ${server.name} jars with Maven into ${libDir(server)} ...`);
  // A clean folder: jars of an older POM on the classpath would clash with the new ones.
  rmSync(libDir(server), { recursive: true, force: true });
  rmSync(join(server.home, 'lib.json'), { force: true });
  mkdirSync(server.home, { recursive: true });
  writeFileSync(join(server.home, 'pom.xml'), pom);

  const args = ['-B', '-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libDir(server)}`];
  const env = { ...process.env, JAVA_HOME: jdk };
  try {
    // Offline first: with a warm ~/.m2 this needs no network at all.
    await run('mvn', ['-o', ...args], { cwd: server.home, env });
  } catch {
    log(`${server.name}: offline resolution incomplete, asking the Maven repository`);
    await run('mvn', args, { cwd: server.home, env });
  }
  const jars = readdirSync(libDir(server)).filter((file) => file.endsWith('.jar'));
  writeFileSync(join(server.home, 'lib.json'), JSON.stringify({ pomSha256, jars } satisfies LibMarker, null, 2));
  log(`${server.name} jars ready (${jars.length} jars) in ${seconds(Date.now() - started)}`);
}

// ---------------------------------------------------------------------------------------------
// processes: recognised by PID file + /proc, never by name

function readPid(server: Server): number | undefined {
  if (!existsSync(pidFile(server))) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile(server), 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself contain spaces.
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined;
  }
}

/**
 * True once no thread of `pid` runs any more. A zombie is not enough: when a JVM shuts down, its
 * first thread exits (and shows as a zombie) while shutdown hooks still run on other threads and
 * still hold the ports and data files. A fully exited process we spawned also stays a zombie
 * until Node reaps it.
 */
function processGone(pid: number): boolean {
  const state = processState(pid);
  if (state === undefined || state === 'X') return true;
  if (state !== 'Z') return false;
  try {
    return readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true;
  }
}

/**
 * True while `pid` is a running process of this server's main class. The command-line check
 * keeps a recycled PID from making us signal somebody else's process.
 */
function isServerProcess(pid: number, server: Server): boolean {
  const state = processState(pid);
  if (state === undefined || state === 'Z' || state === 'X') return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(server.mainClass);
  } catch {
    return false;
  }
}

function rssMegabytes(pid: number): string {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? '?' : `${Math.round(Number(match[1]) / 1024)} MB`;
  } catch {
    return '?';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (processGone(pid)) return true;
    await sleep(100);
  }
  return processGone(pid);
}

/**
 * True when our PID file names a process that is still ours: one running our main class, or one
 * already shutting down (first thread a zombie, others alive: a zombie's PID cannot be recycled).
 */
function isOurs(pid: number, server: Server): boolean {
  return !processGone(pid) && (processState(pid) === 'Z' || isServerProcess(pid, server));
}

/** SIGTERM (both servers shut down cleanly on it), SIGKILL after the grace period. */
async function stopServer(server: Server): Promise<void> {
  const pid = readPid(server);
  if (pid !== undefined && isOurs(pid, server)) {
    const started = Date.now();
    process.kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, STOP_GRACE_MS))) {
      log(`${server.name} (pid ${pid}) ignored SIGTERM for ${seconds(STOP_GRACE_MS)}: SIGKILL`);
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
    log(`stopped ${server.name} (pid ${pid}) in ${seconds(Date.now() - started)}`);
  }
  rmSync(pidFile(server), { force: true });
}

/** Returns why the process is gone, or undefined while it runs. */
type ExitWatch = () => string | undefined;

function launch(server: Server, java: string): { pid: number; exited: ExitWatch } {
  mkdirSync(RUN_DIR, { recursive: true });
  const out = openSync(logFile(server), 'w');
  const args = [...server.jvmOptions(), '-cp', `${libDir(server)}/*`, server.mainClass, ...server.programArgs()];
  // detached: its own session, so a Ctrl-C in the terminal does not reach it; infraDown() stops it.
  const child = spawn(java, args, { cwd: server.home, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  let exitReason: string | undefined;
  child.once('error', (error) => (exitReason = `could not start: ${error.message}`));
  child.once('exit', (code, signal) => (exitReason = signal === null ? `exited with code ${code}` : `killed by ${signal}`));
  child.unref();
  if (child.pid === undefined) throw new InfraError(`${server.name}: ${java} could not be started`);
  writeFileSync(pidFile(server), `${child.pid}\n`);
  return { pid: child.pid, exited: () => exitReason };
}

function watchExisting(server: Server, pid: number): ExitWatch {
  return () => (isServerProcess(pid, server) ? undefined : 'process is gone');
}

async function waitUntilReady(server: Server, exited: ExitWatch, abandon: AbortSignal): Promise<string> {
  const deadline = Date.now() + READY_BUDGET_MS;
  let lastError = 'no probe yet';
  while (Date.now() < deadline) {
    if (abandon.aborted) throw new AbandonedError(`${server.name}: start abandoned, another server failed`);
    const exitReason = exited();
    if (exitReason !== undefined) throw new ServerStartError(server, `${server.name} ${exitReason} before it was ready`);
    try {
      return await server.probe();
    } catch (error) {
      lastError = errorMessage(error);
    }
    await sleep(250);
  }
  throw new ServerStartError(server, `${server.name} not ready after ${seconds(READY_BUDGET_MS)} (last probe: ${lastError})`);
}

// ---------------------------------------------------------------------------------------------
// Kafka

function kafkaServer(): Server {
  const server: Server = {
    name: 'kafka',
    mainClass: 'kafka.Kafka',
    port: KAFKA_PORT,
    ports: [KAFKA_PORT, KAFKA_CONTROLLER_PORT],
    endpoint: KAFKA_ENDPOINT,
    home: join(INFRA_DIR, 'kafka'),
    prepare: (java) => prepareKafka(server, java),
    jvmOptions: () => [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-Djava.awt.headless=true',
      '-Djava.net.preferIPv4Stack=true',
      `-Djava.io.tmpdir=${TMP_DIR}`,
      // slf4j-simple writes to stderr, which lands in .infra/run/kafka.log.
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      '-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS',
    ],
    programArgs: () => [join(confDir(server), 'server.properties')],
    probe: probeKafka,
  };
  return server;
}

/** Kafka's own cluster-id format: base64url (no padding) of 16 random bytes, never starting with '-'. */
function newKafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function prepareKafka(server: Server, java: string): Promise<void> {
  mkdirSync(confDir(server), { recursive: true });
  const properties = join(confDir(server), 'server.properties');
  writeFileSync(
    properties,
    renderTemplate('server.properties', {
      HOST,
      BROKER_PORT: String(KAFKA_PORT),
      CONTROLLER_PORT: String(KAFKA_CONTROLLER_PORT),
      LOG_DIR: dataDir(server),
    }),
  );
  // KRaft refuses to start on unformatted storage; formatting twice fails, so only when empty.
  if (existsSync(join(dataDir(server), 'meta.properties'))) return;
  const started = Date.now();
  await run(
    java,
    ['-Xmx256m', '-cp', `${libDir(server)}/*`, 'kafka.tools.StorageTool', 'format', '-t', newKafkaClusterId(), '-c', properties],
    { cwd: server.home },
  );
  log(`kafka storage formatted in ${seconds(Date.now() - started)}`);
}

/**
 * Ready means more than "the broker answers": the group and producer-id coordinators are created
 * lazily on first use, and until they have loaded, the first consumer group and idempotent
 * producer of every test run get "coordinator is loading" and restart. Waiting for them here
 * keeps that noise and latency out of the tests.
 */
async function probeKafka(): Promise<string> {
  const kafka = new Kafka({
    clientId: 'dsp-infra',
    brokers: [KAFKA_ENDPOINT],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  // kafkajs insists that an idempotent producer may retry at least once.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 100 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('cluster has no brokers yet');
    await admin.describeGroups(['dsp-infra-readiness']);
    await producer.connect();
    return `cluster ${cluster.clusterId}`;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Cassandra

// The JPMS opening list of upstream conf/jvm17-server.options: Cassandra reaches into JDK
// internals (Unsafe, direct buffers, jamm, chronicle) and fails at startup without them.
const CASSANDRA_JDK17_EXPORTS = [
  'java.base/jdk.internal.misc',
  'java.base/java.lang.ref',
  'java.management.rmi/com.sun.jmx.remote.internal.rmi',
  'java.rmi/sun.rmi.registry',
  'java.rmi/sun.rmi.server',
  'java.sql/java.sql',
  'jdk.unsupported/sun.misc',
  'jdk.compiler/com.sun.tools.javac.file',
  'jdk.attach/sun.tools.attach',
];
const CASSANDRA_JDK17_OPENS = [
  'java.base/java.lang.module',
  'java.base/jdk.internal.loader',
  'java.base/jdk.internal.ref',
  'java.base/jdk.internal.reflect',
  'java.base/jdk.internal.math',
  'java.base/jdk.internal.module',
  'java.base/jdk.internal.util.jar',
  'jdk.management/com.sun.management.internal',
  'java.base/sun.nio.ch',
  'java.base/java.io',
  'java.base/java.lang.reflect',
  'jdk.compiler/com.sun.tools.javac',
  'java.base/java.lang',
  'java.base/java.util',
  'java.base/java.nio',
];

function cassandraServer(): Server {
  const server: Server = {
    name: 'cassandra',
    mainClass: 'org.apache.cassandra.service.CassandraDaemon',
    port: CASSANDRA_NATIVE_PORT,
    ports: [CASSANDRA_NATIVE_PORT, CASSANDRA_STORAGE_PORT],
    endpoint: CASSANDRA_ENDPOINT,
    home: join(INFRA_DIR, 'cassandra'),
    prepare: () => prepareCassandra(server),
    jvmOptions: () => cassandraJvmOptions(server),
    programArgs: () => [],
    probe: probeCassandra,
  };
  return server;
}

async function prepareCassandra(server: Server): Promise<void> {
  mkdirSync(confDir(server), { recursive: true });
  mkdirSync(TMP_DIR, { recursive: true });
  writeFileSync(
    join(confDir(server), 'cassandra.yaml'),
    renderTemplate('cassandra.yaml', {
      HOST,
      STORAGE_PORT: String(CASSANDRA_STORAGE_PORT),
      NATIVE_PORT: String(CASSANDRA_NATIVE_PORT),
      DATA_DIR: dataDir(server),
    }),
  );
  writeFileSync(join(confDir(server), 'logback.xml'), renderTemplate('logback.xml', {}));
}

function cassandraJvmOptions(server: Server): string[] {
  const jamm = readdirSync(libDir(server)).find((jar) => /^jamm-[\d.]+\.jar$/.test(jar));
  return [
    // The stock heap formula would take a quarter of the machine; 1 GB is plenty for tests.
    '-Xms1G',
    '-Xmx1G',
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxTenuringThreshold=1',
    '-Xss256k',
    '-XX:+PerfDisableSharedMem',
    // A node that ran out of heap may corrupt data and half-serve; better to die and show the log.
    '-XX:+ExitOnOutOfMemoryError',
    ...CASSANDRA_JDK17_EXPORTS.flatMap((target) => ['--add-exports', `${target}=ALL-UNNAMED`]),
    ...CASSANDRA_JDK17_OPENS.flatMap((target) => ['--add-opens', `${target}=ALL-UNNAMED`]),
    '-Djdk.attach.allowAttachSelf=true',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
    '-Djava.net.preferIPv4Stack=true',
    // A URL, not a path.
    `-Dcassandra.config=file://${join(confDir(server), 'cassandra.yaml')}`,
    // Without it the daemon closes stdout/stderr, and with them our log file.
    '-Dcassandra-foreground=yes',
    `-Dcassandra.storagedir=${dataDir(server)}`,
    `-Dcassandra.logdir=${RUN_DIR}`,
    `-Dlogback.configurationFile=${join(confDir(server), 'logback.xml')}`,
    '-Dchronicle.analytics.disable=true',
    // JNA unpacks a native library and must be able to execute it; the node refuses to start
    // without JNA, and a system /tmp may be mounted noexec.
    `-Djna.tmpdir=${TMP_DIR}`,
    `-Djava.io.tmpdir=${TMP_DIR}`,
    // Single node: nothing to gossip with, so skip the waits meant for real rings.
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.ring_delay_ms=1000',
    // No fsync of system tables: schema changes (a keyspace per test file) get much faster.
    '-Dcassandra.unsafesystem=true',
    ...(jamm === undefined ? [] : [`-javaagent:${join(libDir(server), jamm)}`]),
  ];
}

async function probeCassandra(): Promise<string> {
  // A fresh client each time: a client whose first connect failed is not worth reusing.
  const client = new Client({
    contactPoints: [CASSANDRA_ENDPOINT],
    localDataCenter: 'datacenter1',
    socketOptions: { connectTimeout: 1_000 },
  });
  try {
    await client.connect();
    const result = await client.execute('SELECT release_version FROM system.local');
    return `release ${String(result.first().get('release_version'))}`;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// orchestration

const SERVERS: readonly Server[] = [cassandraServer(), kafkaServer()];

/**
 * Reuses a server a previous `up` left running, unless `fresh`; otherwise (re)starts it.
 * Adds every server it launches to `launched`, so the caller can stop them if anything fails;
 * `abandon` ends its readiness wait early once the other server has failed.
 */
async function bringUp(server: Server, jdk: string, fresh: boolean, launched: Server[], abandon: AbortSignal): Promise<void> {
  const started = Date.now();
  const pid = readPid(server);
  const ours = pid !== undefined && isOurs(pid, server);
  const running = pid !== undefined && isServerProcess(pid, server);
  const answers = await portAnswers(server.port);

  if (running && answers && !fresh) {
    const description = await waitUntilReady(server, watchExisting(server, pid), abandon);
    log(`${server.name} already running (pid ${pid}, ${description}): reusing`);
    return;
  }
  if (ours) {
    // --fresh, or ours but not answering (wedged, half started, shutting down): start over.
    log(`${server.name} (pid ${pid}) ${fresh ? 'restarting for --fresh' : 'not serving: restarting'}`);
    await stopServer(server);
  }
  rmSync(pidFile(server), { force: true });

  await fetchJars(server, jdk);
  if (fresh) rmSync(dataDir(server), { recursive: true, force: true });
  const java = join(jdk, 'bin', 'java');
  await server.prepare(java);

  if (abandon.aborted) throw new AbandonedError(`${server.name}: start abandoned, another server failed`);
  const launchedAt = Date.now();
  const spawned = launch(server, java);
  launched.push(server);
  log(`${server.name} starting (pid ${spawned.pid}, log ${logFile(server)})`);
  const description = await waitUntilReady(server, spawned.exited, abandon);
  log(
    `${server.name} ready in ${seconds(Date.now() - launchedAt)} ` +
      `(${description}, rss ${rssMegabytes(spawned.pid)}, ${seconds(Date.now() - started)} incl. preparation)`,
  );
}

/**
 * Fails before anything starts when a port we need is taken by a process we did not start:
 * otherwise one server would start and the other die on "address in use" half a minute later.
 */
async function checkPortsAreFree(): Promise<void> {
  const taken: number[] = [];
  for (const server of SERVERS) {
    const pid = readPid(server);
    if (pid !== undefined && isOurs(pid, server)) continue;
    for (const port of server.ports) {
      if (await portAnswers(port)) taken.push(port);
    }
  }
  if (taken.length > 0) {
    throw new InfraError(
      `${taken.map((port) => `${HOST}:${port}`).join(', ')} already in use by a process these scripts did not start. ` +
        `Stop it, or point the tests at running servers with DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS.`,
    );
  }
}

function endpointsFromEnv(): Omit<InfraEndpoints, 'startedByUs'> | undefined {
  const kafkaBrokers = process.env.DSP_KAFKA_BROKERS;
  const cassandraContactPoints = process.env.DSP_CASSANDRA_CONTACT_POINTS;
  if (!kafkaBrokers || !cassandraContactPoints) return undefined;
  return { kafkaBrokers, cassandraContactPoints };
}

function reportFailures(results: PromiseSettledResult<void>[]): InfraError {
  const messages: string[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') continue;
    const error: unknown = result.reason;
    if (error instanceof AbandonedError) continue;
    if (error instanceof ServerStartError) {
      console.error(`[infra] last ${LOG_TAIL_LINES} lines of ${logFile(error.server)}:\n${tail(logFile(error.server), LOG_TAIL_LINES)}`);
    }
    messages.push(errorMessage(error));
  }
  return new InfraError(`infrastructure did not start: ${messages.join('; ')}`);
}

/**
 * Starts (or reuses) Kafka and Cassandra and resolves once both serve clients. With
 * DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS both set it starts nothing and returns them.
 */
export async function infraUp(opts: { fresh?: boolean } = {}): Promise<InfraEndpoints> {
  const external = endpointsFromEnv();
  if (external !== undefined) {
    log(`using DSP_KAFKA_BROKERS=${external.kafkaBrokers} and DSP_CASSANDRA_CONTACT_POINTS=${external.cassandraContactPoints}: starting nothing`);
    return { ...external, startedByUs: false };
  }
  const started = Date.now();
  const jdk = findJdk17();
  log(`JDK 17 at ${jdk}${opts.fresh === true ? ', fresh data' : ''}`);
  await checkPortsAreFree();
  const launched: Server[] = [];
  // Both in parallel: Cassandra's startup dominates, Kafka's (and its format) hides behind it.
  // The first failure abandons the other wait, so a broken start fails fast.
  const abandon = new AbortController();
  const results = await Promise.allSettled(
    SERVERS.map((server) =>
      bringUp(server, jdk, opts.fresh === true, launched, abandon.signal).catch((error: unknown) => {
        abandon.abort();
        throw error;
      }),
    ),
  );
  if (results.some((result) => result.status === 'rejected')) {
    const failure = reportFailures(results);
    await Promise.all(launched.map(stopServer));
    throw failure;
  }
  log(`up in ${seconds(Date.now() - started)}: kafka ${KAFKA_ENDPOINT}, cassandra ${CASSANDRA_ENDPOINT}`);
  return {
    kafkaBrokers: KAFKA_ENDPOINT,
    cassandraContactPoints: CASSANDRA_ENDPOINT,
    startedByUs: launched.length > 0,
  };
}

/** Stops the servers recorded in our PID files (and only those) and removes the PID files. */
export async function infraDown(): Promise<void> {
  const running = SERVERS.filter((server) => readPid(server) !== undefined);
  if (running.length === 0) {
    log('nothing to stop');
    return;
  }
  await Promise.all(running.map(stopServer));
}

// ---------------------------------------------------------------------------------------------
// CLI

async function cli(argv: string[]): Promise<number> {
  const [command, ...flags] = argv;
  if (command === 'up') {
    const unknown = flags.filter((flag) => flag !== '--fresh');
    if (unknown.length > 0) throw new InfraError(`unknown option(s) for up: ${unknown.join(' ')}`);
    const endpoints = await infraUp({ fresh: flags.includes('--fresh') });
    log(`DSP_KAFKA_BROKERS=${endpoints.kafkaBrokers} DSP_CASSANDRA_CONTACT_POINTS=${endpoints.cassandraContactPoints}`);
    return 0;
  }
  if (command === 'down' && flags.length === 0) {
    await infraDown();
    return 0;
  }
  console.error('usage: tsx test/infra/infra.ts up [--fresh] | down');
  return 2;
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`[infra] ${errorMessage(error)}`);
      process.exit(1);
    },
  );
}
