import { describeScriptArtifactsContract } from '../script-artifacts.contract';
import { EmbeddedScriptArtifacts, type EmbeddedScriptArtifactRows } from './embedded-script-artifacts';

describeScriptArtifactsContract('embedded', () => {
  const rows: EmbeddedScriptArtifactRows = new Map();
  return {
    artifacts: new EmbeddedScriptArtifacts(rows),
    damage: async (engine, blob, cachedData) => {
      const row = rows.get(engine)?.get(blob);
      if (!row) throw new Error(`no stored artifact of blob ${blob} to damage`);
      rows.get(engine)?.set(blob, { ...row, cachedData });
    },
  };
});
