/** One file of a repository tree, as committed. `path` is repository-relative: 'hello.js', 'lib/format.js'. */
export interface ScriptFile {
  path: string;
  source: string;
}
