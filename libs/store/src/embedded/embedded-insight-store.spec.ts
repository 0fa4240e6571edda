import { describeInsightStoreContract } from '../insight-store.contract';
import { EmbeddedInsightStore } from './embedded-insight-store';

describeInsightStoreContract('embedded', (ttlSeconds) => new EmbeddedInsightStore({ ttlSeconds }));
