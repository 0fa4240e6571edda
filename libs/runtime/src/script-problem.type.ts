/** Why a repository's scripts cannot be committed or compiled. `line` and `column` are 1-based. */
export interface ScriptProblem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}
