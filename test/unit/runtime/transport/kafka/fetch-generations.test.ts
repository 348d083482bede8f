import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FetchGenerations } from '../../../../../runtime/transport/kafka/fetch-generations.js';

describe('FetchGenerations', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('counts joins from 1', () => {
    const generations = new FetchGenerations(1000);
    assert.equal(generations.current, 0);
    assert.equal(generations.joined(), 1);
    assert.equal(generations.joined(), 2);
    assert.equal(generations.current, 2);
  });

  it("takes the group's generation id when it is larger, else counts on", () => {
    const generations = new FetchGenerations(1000);
    assert.equal(generations.joined(7), 7);
    assert.equal(generations.joined(), 8);
    assert.equal(generations.joined(5), 9, 'never goes back');
    assert.equal(generations.joined(12), 12);
  });

  it('gives batches the current generation when every fetch started in it', () => {
    const generations = new FetchGenerations(1000);
    generations.joined();
    generations.fetchStarted(1);
    generations.fetchStarted(2);
    assert.equal(generations.batchGeneration(), 1);
  });

  it('gives no generation while a fetch that started before the latest join may hand batches over', () => {
    const generations = new FetchGenerations(1000);
    generations.joined();
    generations.fetchStarted(1);
    generations.fetchStarted(2);
    generations.joined(); // node 1's fetch re-joined the group; node 2's fetch is still under way
    generations.fetchStarted(1);
    assert.equal(generations.batchGeneration(), undefined);
    generations.fetchStarted(2);
    assert.equal(generations.batchGeneration(), 2);
  });

  it('forgets fetches when all fetchers stopped (a rebalance through the runner, a crash)', () => {
    const generations = new FetchGenerations(1000);
    generations.joined();
    generations.fetchStarted(1);
    generations.fetchersStopped();
    generations.joined();
    assert.equal(generations.batchGeneration(), 2);
  });

  it('ignores a fetch start older than staleAfterMs (its fetcher is gone)', () => {
    const time = clock();
    const generations = new FetchGenerations(1000, time.now);
    generations.joined();
    generations.fetchStarted(7);
    generations.joined();
    time.advance(1000);
    assert.equal(generations.batchGeneration(), undefined);
    time.advance(1);
    assert.equal(generations.batchGeneration(), 2);
  });
});
