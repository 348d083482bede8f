/** `tables`, `reset` and `clean-versions` on local files. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from '../../../support/index.js';
import { removeTempDirs, tableApp, tempDir } from '../tables/support.js';

after(removeTempDirs);

/** Runs app.main(argv) and returns its exit code and what it printed. */
async function run(app: ReturnType<typeof tableApp>, argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    const code = await app.main(argv);
    return { code, out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

function counting(datadir: string, id?: string, broker?: string) {
  const app = tableApp({ id, broker, settings: { datadir } });
  const input = app.topic('input', { keyType: 'string', valueType: 'number' });
  const counts = app.table('counts', {
    keyType: 'string',
    valueType: 'number',
    default: () => 0,
    help: 'per key',
  });
  app.table('scratch', { store: 'memory://' });
  let seen = 0;
  app.agent(input, { name: 'count' }, async (stream) => {
    for await (const [key, n] of stream.items()) {
      counts.update(key, (v) => v + n);
      seen++;
    }
  });
  return { app, input, seen: () => seen };
}

describe('table commands', () => {
  it('tables lists each table with its local keys; reset drops local state; the next start rebuilds it', async () => {
    const datadir = tempDir();
    const first = counting(datadir);
    await first.app.start();
    await first.app.whenReady();
    for (let i = 0; i < 30; i++) await first.input.send({ key: `k${i}`, value: 1 });
    await eventually('30 events', () => first.seen() === 30);
    await first.app.stop();
    const [id, broker] = [first.app.id, first.app.conf.broker[0]!];

    const listed = await run(counting(datadir, id, broker).app, ['tables']);
    assert.equal(listed.code, 0);
    const row = listed.out.split('\n').find((line) => line.startsWith('counts '));
    assert.ok(row, listed.out);
    assert.match(
      row,
      new RegExp(`table\\s+${id}-counts-changelog\\s+4\\s+lmdb://\\s+30\\s+\\d+(\\.\\d)? [KM]iB\\s+per key`),
    );
    assert.match(listed.out, /scratch\s+table\s+\S+\s+4\s+memory:\/\/\s+-\s+-/);
    const json = await run(counting(datadir, id, broker).app, ['tables', '--json']);
    assert.equal(json.code, 0);
    const entries = JSON.parse(json.out) as Record<string, unknown>[];
    assert.deepEqual(
      entries.map((entry) => [entry.table, entry.partitions, entry.store, entry.localKeys, entry.help]),
      [
        ['counts', 4, 'lmdb://', 30, 'per key'],
        ['scratch', 4, 'memory://', null, ''],
      ],
    );
    assert.equal(entries[0]!.changelog, `${id}-counts-changelog`);
    assert.ok(typeof entries[0]!.diskBytes === 'number' && entries[0]!.diskBytes > 0);

    const store = join(datadir, 'v1', 'tables', 'counts.lmdb');
    assert.ok(existsSync(store));
    const reset = await run(counting(datadir, id, broker).app, ['reset']);
    assert.equal(reset.code, 0);
    assert.match(reset.out, /counts: removed .*counts\.lmdb/);
    assert.match(reset.out, /scratch: no local state/);
    assert.equal(existsSync(store), false);

    const again = counting(datadir, id, broker);
    await again.app.start();
    await again.app.whenReady();
    const replayed = again.app.tables.recoveryStats().reduce((n, r) => n + r.records, 0);
    assert.equal(replayed, 30, 'the whole changelog was replayed into the new store');
    await again.app.stop();
  });

  it('reset --table names an unknown table; clean-versions keeps only the current version', async () => {
    const datadir = tempDir();
    const { app } = counting(datadir);
    const errors: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      const unknown = await run(app, ['reset', '--table', 'nope']);
      assert.equal(unknown.code, 2);
    } finally {
      console.error = error;
    }
    // --table is the command's flag, not a setting.
    assert.match(errors.join('\n'), /^no table named nope; tables: counts, scratch$/);
    const one = await run(counting(datadir, app.id).app, ['reset', '--table', 'counts']);
    assert.equal(one.code, 0);
    assert.equal(one.out, 'counts: no local state');
    for (const version of ['v1', 'v2', 'v7']) {
      mkdirSync(join(datadir, version, 'tables'), { recursive: true });
      writeFileSync(join(datadir, version, 'tables', 'x'), 'data');
    }
    mkdirSync(join(datadir, 'other'));
    const cleaned = await run(counting(datadir, app.id).app, ['clean-versions', '--version', '2']);
    assert.equal(cleaned.code, 0);
    assert.match(cleaned.out, /removed .*v1 /);
    assert.match(cleaned.out, /removed .*v7 /);
    assert.equal(existsSync(join(datadir, 'v2', 'tables', 'x')), true);
    assert.equal(existsSync(join(datadir, 'v1')), false);
    assert.equal(existsSync(join(datadir, 'other')), true, 'only v<N> directories are touched');
  });
});
