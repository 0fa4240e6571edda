/** Per-endpoint limits declared in the repository manifest. */
export interface ScriptLimits {
  /** Budget for one request: CPU time of the script and the wall-clock time spent awaiting backend calls. */
  timeoutMs: number;
  /** Heap limit of the isolate that runs the repository's scripts; never above MAX_SCRIPT_MEMORY_MB. */
  memoryMb: number;
}
