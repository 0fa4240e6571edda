import { it, expect } from 'vitest';
import { GitSandbox } from '/work/main/libs/vcs/src/diff/git-sandbox-test.util';
import { structuredDiff } from '/work/main/libs/vcs/src/diff/structured-diff.util';
import { textEditor } from '/work/main/libs/vcs/src/diff/text-edits-test.util';
it('big', () => {
  const s = new GitSandbox(); const e = textEditor(3);
  for (const [n, rep] of [[2000, 0.5], [6000, 0.6], [6000, 0.1]] as const) {
    const a = e.text(n, rep); const b = e.text(n, rep);
    const c1 = s.commit(new Map([['f', a]])); const c2 = s.commit(new Map([['f', b]]));
    const t0 = Date.now();
    const [d] = structuredDiff(new Map([['f', { blob: s.blobOf(a), content: a }]]), new Map([['f', { blob: s.blobOf(b), content: b }]]));
    console.log(n, rep, 'ours', d?.added, d?.removed, Date.now() - t0, 'ms; git', s.git(['diff', '--numstat', c1, c2]).trim());
  }
  s.remove();
}, 600000);
