import { randomBytes } from 'node:crypto';
import { transportContract } from '../../../../contract/transport-contract.js';
import { destroyMemoryBroker, memoryTransport } from '../../../../../runtime/transport/memory/index.js';

// One named broker for the whole suite, so the run leaves nothing behind in the default one.
const url = `memory://contract-${randomBytes(4).toString('hex')}`;

transportContract(
  'memory',
  () =>
    memoryTransport({
      urls: [url],
      clientId: 'contract',
      connectionTimeoutMs: 1_000,
      requestTimeoutMs: 1_000,
    }),
  { teardown: () => destroyMemoryBroker(url) },
);
