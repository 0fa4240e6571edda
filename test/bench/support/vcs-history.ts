/**
 * A deterministic repository history for the version-control benchmark: one manifest, 9 scripts
 * (3 endpoints importing 6 library modules) and data files spread over four folders. Every commit
 * changes 1-3 files, mostly one line of a data file; scripts and the manifest change now and then.
 * Lines are unique (key and value carry a counter), so a diff has exactly one minimal form.
 */

export interface Author {
  name: string;
  email: string;
}

export interface FileWrite {
  path: string;
  content: string;
}

export interface PlannedCommit {
  branch: string;
  message: string;
  author: Author;
  changes: FileWrite[];
}

export const MANIFEST = 'dsp.json';
export const ENDPOINT_SCRIPTS = ['api/titles.js', 'api/ratings.js', 'api/profile.js'] as const;
export const LIBRARY_SCRIPTS = ['lib/shape.js', 'lib/format.js', 'lib/i18n.js', 'lib/cache.js', 'lib/errors.js', 'lib/util.js'] as const;
export const SCRIPTS: readonly string[] = [...ENDPOINT_SCRIPTS, ...LIBRARY_SCRIPTS];

const AUTHORS: readonly Author[] = [
  { name: 'Ada Lovelace', email: 'ada@tv.example.com' },
  { name: 'Grace Hopper', email: 'grace@mobile.example.com' },
  { name: 'Alan Turing', email: 'alan@web.example.com' },
  { name: 'Edsger Dijkstra', email: 'edsger@tv.example.com' },
];

const FOLDERS = [
  { prefix: 'data/catalog/title-', ext: '.json' },
  { prefix: 'data/i18n/strings-', ext: '.txt' },
  { prefix: 'data/config/flags-', ext: '.json' },
  { prefix: 'fixtures/case-', ext: '.txt' },
] as const;

const WORDS = ['orbit', 'lumen', 'cobalt', 'harbor', 'quartz', 'meadow', 'signal', 'ember', 'tundra', 'velvet', 'zephyr', 'summit'];

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DataFile {
  kind: 'json' | 'txt';
  id: string;
  entries: { key: string; value: string }[];
}

function renderData(file: DataFile): string {
  if (file.kind === 'txt') return `# ${file.id}\n${file.entries.map((e) => `${e.key} = ${e.value}`).join('\n')}\n`;
  const lines = [`  "id": "${file.id}"`, ...file.entries.map((e) => `  "${e.key}": "${e.value}"`)];
  return `{\n${lines.join(',\n')}\n}\n`;
}

function renderManifest(timeoutMs: number): string {
  const endpoints = ENDPOINT_SCRIPTS.map((script) => {
    const name = script.slice('api/'.length, -'.js'.length);
    return { method: 'GET', path: `/vcsbench/${name}/:id`, script, timeoutMs };
  });
  return `${JSON.stringify({ endpoints }, null, 2)}\n`;
}

function renderScript(path: string, revision: number): string {
  const header = `// ${path}, revision ${revision}\n`;
  switch (path) {
    case 'api/titles.js':
      return `${header}import { shape } from '../lib/shape.js';\nimport { fail } from '../lib/errors.js';\n\nexport default async (request, ctx) => {\n  const r = await ctx.services.catalog.get('/titles/' + request.params.id);\n  if (r.status !== 200) return fail(r.status, 'title ${revision}');\n  return { status: 200, body: shape(r.body) };\n};\n`;
    case 'api/ratings.js':
      return `${header}import { format } from '../lib/format.js';\nimport { cached } from '../lib/cache.js';\n\nexport default async (request, ctx) => {\n  const r = await cached(() => ctx.services.ratings.get('/ratings/' + request.params.id));\n  return { status: r.status, body: { stars: format(r.body.stars, ${revision % 3}) } };\n};\n`;
    case 'api/profile.js':
      return `${header}import { t } from '../lib/i18n.js';\nimport { pick } from '../lib/util.js';\n\nexport default async (request, ctx) => {\n  const r = await ctx.services.profiles.get('/profiles/' + request.params.id);\n  return { status: 200, body: { ...pick(r.body, ['id', 'name']), greeting: t('hello', ${revision}) } };\n};\n`;
    case 'lib/shape.js':
      return `${header}import { pick } from './util.js';\n\nexport const SHAPE_VERSION = ${revision};\n\nexport function shape(title) {\n  return { ...pick(title, ['id', 'name', 'year']), v: SHAPE_VERSION };\n}\n`;
    case 'lib/format.js':
      return `${header}export function format(value, digits) {\n  return Number(value).toFixed(digits + ${revision % 2});\n}\n`;
    case 'lib/i18n.js':
      return `${header}const STRINGS = { hello: 'Hello #${revision}' };\n\nexport function t(key, n) {\n  return (STRINGS[key] ?? key) + ' ' + n;\n}\n`;
    case 'lib/cache.js':
      return `${header}const TTL_MS = ${1000 + revision};\n\nexport async function cached(load) {\n  const value = await load();\n  return { ...value, ttl: TTL_MS };\n}\n`;
    case 'lib/errors.js':
      return `${header}export function fail(status, what) {\n  return { status, body: { error: what, code: ${revision} } };\n}\n`;
    case 'lib/util.js':
      return `${header}export function pick(object, keys) {\n  const out = {};\n  for (const key of keys) if (object && key in object) out[key] = object[key];\n  return out;\n}\nexport const UTIL_REVISION = ${revision};\n`;
    default:
      throw new Error(`no script template for ${path}`);
  }
}

/**
 * Generates the history commit by commit. `main` and, after `branchAt`, one feature branch: the
 * feature only touches `reserved` data files and main stops touching them, so the final merge is
 * a clean three-way merge of different files.
 */
export class HistoryPlan {
  readonly dataPaths: string[] = [];
  /** Data files only the feature branch changes once it exists. */
  readonly reserved: Set<string>;
  /** How often each path changed on main (first-parent), for picking file-history subjects. */
  readonly mainChanges = new Map<string, number>();
  private readonly random: () => number;
  private readonly state = new Map<string, { main: DataFile | number; feature: DataFile | number | undefined }>();
  private manifestTimeout = 1000;
  private counter = 0;
  private featureStarted = false;

  constructor(
    readonly fileCount: number,
    seed: number,
    readonly featureBranch: string,
  ) {
    if (fileCount < 1 + SCRIPTS.length + 20) throw new Error(`--files must be at least ${SCRIPTS.length + 21}`);
    this.random = prng(seed);
    const dataCount = fileCount - 1 - SCRIPTS.length;
    for (let i = 0; i < dataCount; i++) {
      const folder = FOLDERS[i % FOLDERS.length] ?? FOLDERS[0];
      const id = String(i).padStart(3, '0');
      const path = `${folder.prefix}${id}${folder.ext}`;
      const lines = 20 + (i % 17);
      const entries = Array.from({ length: lines }, (_, n) => ({ key: `k${String(n).padStart(3, '0')}`, value: this.value(n) }));
      this.dataPaths.push(path);
      this.state.set(path, { main: { kind: folder.ext === '.json' ? 'json' : 'txt', id: `${folder.prefix.split('/').pop() ?? ''}${id}`, entries }, feature: undefined });
    }
    for (const script of SCRIPTS) this.state.set(script, { main: 1, feature: undefined });
    this.reserved = new Set(this.dataPaths.filter((_, i) => i % 19 === 7).slice(0, 10));
  }

  /** The first commit: every file. */
  initial(): PlannedCommit {
    const changes: FileWrite[] = [{ path: MANIFEST, content: renderManifest(this.manifestTimeout) }];
    for (const path of [...SCRIPTS, ...this.dataPaths]) changes.push({ path, content: this.render(path, 'main') });
    for (const change of changes) this.mainChanges.set(change.path, 1);
    return { branch: 'main', message: 'Import the TV adapters\n\nManifest, endpoint scripts, libraries and data files.', author: AUTHORS[0] ?? { name: 'a', email: 'a@b' }, changes };
  }

  /** The feature branch starts here: it copies main's files. */
  startFeature(): void {
    for (const entry of this.state.values()) entry.feature = typeof entry.main === 'number' ? entry.main : structuredClone(entry.main);
    this.featureStarted = true;
  }

  next(branch: 'main' | 'feature', index: number): PlannedCommit {
    const onFeature = branch === 'feature';
    const count = onFeature ? 1 + Math.floor(this.random() * 2) : this.pickCount();
    const chosen = new Set<string>();
    while (chosen.size < count) chosen.add(this.pickPath(onFeature));
    const paths = [...chosen];
    const changes = paths.map((path) => this.change(path, onFeature ? 'feature' : 'main', index));
    if (!onFeature) for (const path of paths) this.mainChanges.set(path, (this.mainChanges.get(path) ?? 0) + 1);
    const first = paths[0] ?? '';
    const verb = SCRIPTS.includes(first) ? 'Rework' : first === MANIFEST ? 'Tune' : 'Update';
    let message = `${onFeature ? 'feature: ' : ''}${verb} ${first}${paths.length > 1 ? ` and ${paths.length - 1} more` : ''} (#${index})`;
    if (index % 10 === 0) message += `\n\nTouches ${paths.join(', ')}.\nRequested by the ${['tv', 'mobile', 'web'][index % 3] ?? 'tv'} team.`;
    return { branch: onFeature ? this.featureBranch : 'main', message, author: AUTHORS[index % AUTHORS.length] ?? { name: 'a', email: 'a@b' }, changes };
  }

  private pickCount(): number {
    const r = this.random();
    return r < 0.6 ? 1 : r < 0.9 ? 2 : 3;
  }

  private pickPath(onFeature: boolean): string {
    const reserved = [...this.reserved];
    if (onFeature) return reserved[Math.floor(this.random() * reserved.length)] ?? reserved[0] ?? '';
    const r = this.random();
    if (r < 0.002) return MANIFEST;
    if (r < 0.022) return SCRIPTS[Math.floor(this.random() * SCRIPTS.length)] ?? 'lib/util.js';
    for (;;) {
      const path = this.dataPaths[Math.floor(this.random() * this.dataPaths.length)] ?? '';
      if (!this.featureStarted || !this.reserved.has(path)) return path;
    }
  }

  private change(path: string, branch: 'main' | 'feature', index: number): FileWrite {
    if (path === MANIFEST) {
      this.manifestTimeout = this.manifestTimeout >= 2000 ? 1000 : this.manifestTimeout + 100;
      return { path, content: renderManifest(this.manifestTimeout) };
    }
    const entry = this.state.get(path);
    if (!entry) throw new Error(`unknown path ${path}`);
    const current = branch === 'main' ? entry.main : entry.feature;
    if (current === undefined) throw new Error(`${path} has no ${branch} version`);
    if (typeof current === 'number') {
      if (branch === 'main') entry.main = current + 1;
      else entry.feature = current + 1;
      return { path, content: renderScript(path, current + 1) };
    }
    if (this.random() < 0.8 || current.entries.length === 0) {
      const at = Math.floor(this.random() * current.entries.length);
      const target = current.entries[at];
      if (target) target.value = this.value(index);
    } else {
      const at = Math.floor(this.random() * (current.entries.length + 1));
      current.entries.splice(at, 0, { key: `n${String(++this.counter).padStart(5, '0')}`, value: this.value(index) });
    }
    return { path, content: renderData(current) };
  }

  private render(path: string, branch: 'main' | 'feature'): string {
    const entry = this.state.get(path);
    const current = branch === 'main' ? entry?.main : entry?.feature;
    if (current === undefined) throw new Error(`unknown path ${path}`);
    return typeof current === 'number' ? renderScript(path, current) : renderData(current);
  }

  private value(index: number): string {
    const word = WORDS[Math.floor(this.random() * WORDS.length)] ?? 'orbit';
    return `${word}-${index}-${++this.counter}`;
  }
}
