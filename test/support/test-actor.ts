import { systemActor } from '../../src/auth';

/** Who test set-up acts as in audited services (recorded as the system actor `test-setup`). */
export const TEST_ACTOR = systemActor('test-setup', null);
