/**
 * Baseline of `npm run bench -- web`: a bare Fastify server with one route answering a constant
 * JSON, in a process of its own like the workers. Prints `port=<n>` once listening; exits on SIGTERM.
 */
import Fastify from 'fastify';

const server = Fastify({ logger: false });
server.get('/constant', async () => ({ word: 'constant', count: 1 }));
await server.listen({ host: '127.0.0.1', port: 0 });
const address = server.server.address();
if (address === null || typeof address === 'string') throw new Error('web-fastify: no TCP address');
process.stdout.write(`port=${address.port}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
