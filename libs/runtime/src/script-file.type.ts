/** One file of a repository tree, as committed. `path` is repository-relative: 'hello.js', 'lib/format.js'. */
export interface ScriptFile {
  path: string;
  source: string;
  /**
   * For a TypeScript script (.ts, .mts): its JavaScript, transpiled earlier by the platform (a
   * persisted artifact, or transpileScripts' own output). When present it is compiled instead of
   * transpiling `source` again; commit-time checks always read `source`. Ignored for JavaScript
   * scripts, whose `source` is their JavaScript.
   */
  javascript?: string;
  /**
   * V8 code cache for this script's JavaScript, produced earlier by the platform for the running
   * engine (see engineFingerprint). Never taken from users: a script's author cannot supply it.
   */
  cachedData?: Buffer;
}
