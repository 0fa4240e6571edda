/** Size limits of repository content, checked before anything is written. */
export const RepositoryLimits = {
  maxFileBytes: 256 * 1024,
  maxFiles: 1000,
  maxCommitBytes: 5 * 1024 * 1024,
  maxPathLength: 255,
  maxMessageLength: 10_000,
} as const;

export const REPOSITORY_NAME_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;
export const BRANCH_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;
