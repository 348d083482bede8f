import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from '../../../../runtime/index.js';
import { uniqueName } from '../../../support/names.js';

describe('the app runs its worker group with the faustgen assignor', () => {
  it('two workers on memory:// see each other and their canonicalUrls', async () => {
    const id = uniqueName('assignor-app');
    const broker = `memory://${id}`;
    const make = (port: number) =>
      new App(id, {
        broker,
        topicPartitions: 4,
        logLevel: 'error',
        webEnabled: false,
        canonicalUrl: `http://127.0.0.1:${port}`,
      });
    const apps = [make(7201), make(7202)];
    for (const app of apps)
      app.agent(app.topic('orders'), { name: 'drain' }, async (stream) => {
        for await (const _ of stream);
      });
    try {
      for (const app of apps) await app.start();
      const settled = () =>
        apps.every((app) => {
          const map = app.assignor.current();
          return map?.complete === true && map.members.length === 2;
        });
      for (let turn = 0; turn < 5000 && !settled(); turn++)
        await new Promise((resolve) => setTimeout(resolve, 2));
      assert.ok(settled(), 'both workers read a complete two-member assignment');
      const map = apps[0]!.assignor.current()!;
      assert.deepEqual(map.members.map((member) => member.url).sort(), [
        'http://127.0.0.1:7201',
        'http://127.0.0.1:7202',
      ]);
      for (let partition = 0; partition < 4; partition++) {
        assert.equal(
          apps[1]!.assignor.current()!.urlFor('orders', partition),
          map.urlFor('orders', partition),
        );
      }
      assert.equal(map.actives('orders').length, 2);
    } finally {
      for (const app of apps) await app.stop();
    }
  });
});
