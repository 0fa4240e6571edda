import { describeProjectionCheckpointsContract } from '../projection-checkpoints.contract';
import { describeRegistryReadModelContract } from '../registry-read-model.contract';
import { describeVcsReadModelContract } from '../vcs-read-model.contract';
import { EmbeddedProjectionCheckpoints } from './embedded-projection-checkpoints';
import { EmbeddedRegistryReadModel } from './embedded-registry-read-model';
import { EmbeddedVcsReadModel } from './embedded-vcs-read-model';

describeVcsReadModelContract('embedded', () => new EmbeddedVcsReadModel());
describeRegistryReadModelContract('embedded', () => new EmbeddedRegistryReadModel());
describeProjectionCheckpointsContract('embedded', () => new EmbeddedProjectionCheckpoints());
