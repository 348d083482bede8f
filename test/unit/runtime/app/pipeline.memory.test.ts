import { randomBytes } from 'node:crypto';
import { pipelineSuites } from '../../../contract/pipeline-suites.js';

pipelineSuites('memory://', {
  brokerUrl: () => `memory://pipeline-${randomBytes(4).toString('hex')}`,
  timeoutMs: 60_000,
  words: 100_000,
});
