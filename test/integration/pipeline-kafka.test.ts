import { before } from 'node:test';
import { pipelineSuites } from '../contract/pipeline-suites.js';
import { brokerUrl, requireBroker } from '../support/index.js';

before(() => requireBroker());

pipelineSuites('kafka://', { brokerUrl, timeoutMs: 180_000, words: 100_000 });
