/** Optional observers of one run. Without `onLog`, ctx.log costs the script nothing. */
export interface RunHooks {
  /** One line per ctx.log call (at most LOG_LINES_PER_RUN per run), as the script formatted it. */
  onLog?: (line: string) => void;
}
