import assert from 'node:assert/strict';
import { it } from 'node:test';
import { App } from '../../../../runtime/index.js';

const WORDS = ['kafka', 'stream', 'agent', 'boxed', 'table', 'window', 'mixer', 'topic', 'event', 'actor'];
const BURST = ['alpha', 'beta', 'gamma', 'xenon', 'delta'];

/** Two agents over two multi-partition topics, two actors on the first, failures dead-lettered. */
function wordsApp(): App {
  const app = new App('determinism', { broker: 'kafka://127.0.0.1:1', logLevel: 'silent' });
  const words = app.topic('words', { keyType: 'string', valueType: 'string', partitions: 4 });
  const letters = app.topic('letters', { keyType: 'string', valueType: 'string', partitions: 3 });
  app.agent(words, { name: 'split', concurrency: 2 }, async function* (stream) {
    for await (const word of stream) {
      if (word.includes('x')) throw new Error(`no x please: ${word}`);
      for (const letter of word) await letters.send({ key: letter, value: letter });
      yield word.length;
    }
  });
  app.agent(letters, { name: 'count' }, async function* (stream) {
    const counts = new Map<string, number>();
    for await (const letter of stream) {
      const count = (counts.get(letter) ?? 0) + 1;
      counts.set(letter, count);
      yield `${letter}${count}`;
    }
  });
  return app;
}

/** Everything observable about one run, without wall-clock timestamps. */
async function scenario(app: App): Promise<string> {
  const ctx = await app.testContext();
  try {
    const offsets: string[] = [];
    for (const word of WORDS) {
      const put = await ctx.put('words', word, { key: word });
      offsets.push(`${put.partition}@${put.offset}:${put.yielded.length}`);
    }
    for (const word of BURST) await ctx.put('words', word, { key: word, wait: false });
    await ctx.settle();
    return JSON.stringify({
      offsets,
      yielded: ctx.allYielded(),
      letters: ctx.sent('letters').map((r) => `${r.key}:${r.partition}@${r.offset}`),
      committed: [...ctx.committed('words'), ...ctx.committed('letters')],
      dead: ctx.deadLetters('words').map((d) => `${d.reason}:${d.source.partition}@${d.source.offset}`),
    });
  } finally {
    await ctx.stop();
  }
}

it('gives identical results when the same scenario runs 20 times, on fresh and on reused apps', async () => {
  const reused = wordsApp();
  const runs: string[] = [];
  for (let run = 0; run < 20; run++) runs.push(await scenario(run % 2 === 0 ? wordsApp() : reused));

  const first = JSON.parse(runs[0]!) as {
    yielded: { agent: string; value: unknown }[];
    letters: string[];
    dead: string[];
  };
  const good = [...WORDS, ...BURST].filter((word) => !word.includes('x'));
  const letterCount = good.join('').length;
  assert.equal(first.letters.length, letterCount, 'every letter of every good word was sent');
  assert.equal(first.yielded.filter((y) => y.agent === 'split').length, good.length);
  assert.equal(first.yielded.filter((y) => y.agent === 'count').length, letterCount);
  assert.deepEqual(
    first.dead.map((d) => d.split(':')[1]),
    [' boxed', ' mixer', ' xenon'],
  );
  for (const [run, result] of runs.entries()) assert.equal(result, runs[0], `run ${run} differs from run 0`);
});
