import { afterAll } from 'vitest';
import { describeEventLogContract } from './event-log.contract';
import { EmbeddedEventLog } from './embedded-event-log';

const log = new EmbeddedEventLog();
afterAll(() => log.close());

// Redelivery after a failed handler waits 200 ms in the embedded log.
describeEventLogContract('embedded', () => log, { deliveryTimeoutMs: 5_000 });
