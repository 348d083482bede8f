import { randomBytes } from 'node:crypto';
import { rpcSuites } from './rpc-suite.js';

rpcSuites('memory://', {
  brokerUrl: () => `memory://rpc-${randomBytes(4).toString('hex')}`,
  timeoutMs: 60_000,
});
