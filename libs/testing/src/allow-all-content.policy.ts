import { CommitContentPolicy, type ContentVerdict } from '@dsp/vcs';

/** A content policy that accepts everything: for tests of the version-control core alone. */
export class AllowAllContentPolicy extends CommitContentPolicy {
  async check(): Promise<ContentVerdict> {
    return { problems: [], settle: async () => undefined };
  }
  async checkDeployment(): Promise<ContentVerdict> {
    return { problems: [], settle: async () => undefined };
  }
}
