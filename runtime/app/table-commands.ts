/**
 * The table commands of `app.main()` (and `faustgen <command>` in a project):
 *   tables          list the tables: kind, changelog, partitions, store, local keys and size (--json)
 *   reset           drop local table state; workers rebuild it from the changelogs at their next start
 *   clean-versions  drop the local data of other app versions (`<datadir>/v<N>`)
 * They read and change local files only, never topics; stop the app's workers on this machine
 * before `reset` or `clean-versions`.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_COMMANDS } from '../core/commands.js';
import type { Settings } from '../core/settings/index.js';
import type { TableManager } from '../tables/manager.js';
import type { CommandOptions } from './main.js';

/** The app as the table commands use it (App is one). */
export interface TableCommandsHost {
  readonly conf: Readonly<Settings>;
  readonly tables: TableManager;
  command(
    name: string,
    options: CommandOptions,
    handler: (
      app: this,
      args: { positionals: string[]; values: Record<string, unknown> },
    ) => Promise<number | undefined>,
  ): void;
}

type App = TableCommandsHost;
import { directorySize, lmdbPath } from '../stores/lmdb.js';
import { createStore, storeScheme } from '../stores/registry.js';
import type { Collection } from '../tables/collection.js';
import { printTable } from './main.js';

type AnyTable = Collection<unknown>;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function storeUrl(app: App, table: AnyTable): string {
  return table.options.store ?? app.conf.store;
}

/** Local keys and bytes of a table's LMDB store, read-only; undefined when it has none here. */
function localSize(app: App, table: AnyTable): { keys: number; bytes: number } | undefined {
  if (storeScheme(storeUrl(app, table)) !== 'lmdb') return undefined;
  const path = lmdbPath(app.conf.tabledir, table.name);
  if (!existsSync(path)) return undefined;
  const store = createStore(storeUrl(app, table), {
    table: table.name,
    directory: app.conf.tabledir,
    partitions: 1024,
    readOnly: true,
  });
  try {
    let keys = 0;
    for (const partition of store.partitions()) keys += store.count(partition);
    return { keys, bytes: store.diskSize() };
  } finally {
    void store.close();
  }
}

export function registerTableCommands(app: App): void {
  app.command(
    'tables',
    {
      description: `${BUILTIN_COMMANDS.tables.summary} (--json: as JSON)`,
      options: BUILTIN_COMMANDS.tables.flags,
    },
    async (app, { values }) => {
      const listed = app.tables.all().map((table) => ({ table, size: localSize(app, table) }));
      if (values.json === true) {
        const entries = listed.map(({ table, size }) => ({
          table: table.name,
          kind: table.kind,
          changelog: table.changelogTopic,
          partitions: table.partitions,
          store: storeUrl(app, table),
          localKeys: size?.keys ?? null,
          diskBytes: size?.bytes ?? null,
          help: table.options.help ?? '',
        }));
        console.log(JSON.stringify(entries));
        return 0;
      }
      const rows = listed.map(({ table, size }) => [
        table.name,
        table.kind,
        table.changelogTopic,
        String(table.partitions),
        storeUrl(app, table),
        size ? String(size.keys) : '-',
        size ? formatBytes(size.bytes) : '-',
        table.options.help ?? '',
      ]);
      printTable(
        ['table', 'kind', 'changelog', 'partitions', 'store', 'local keys', 'on disk', 'help'],
        rows,
      );
      return 0;
    },
  );

  app.command(
    'reset',
    { description: BUILTIN_COMMANDS.reset.summary, options: BUILTIN_COMMANDS.reset.flags },
    async (app, { values }) => {
      const only = typeof values.table === 'string' ? values.table : undefined;
      const tables = app.tables.all().filter((table) => only === undefined || table.name === only);
      if (only !== undefined && tables.length === 0) {
        console.error(
          `no table named ${only}; tables: ${app.tables
            .all()
            .map((t) => t.name)
            .join(', ')}`,
        );
        return 2;
      }
      for (const table of tables) {
        const path = lmdbPath(app.conf.tabledir, table.name);
        if (storeScheme(storeUrl(app, table)) !== 'lmdb' || !existsSync(path)) {
          console.log(`${table.name}: no local state`);
          continue;
        }
        const bytes = directorySize(path);
        rmSync(path, { recursive: true, force: true });
        console.log(`${table.name}: removed ${path} (${formatBytes(bytes)})`);
      }
      return 0;
    },
  );

  app.command('clean-versions', { description: BUILTIN_COMMANDS['clean-versions'].summary }, async (app) => {
    const { datadir, version } = app.conf;
    if (!existsSync(datadir)) {
      console.log(`no data directory ${datadir}`);
      return 0;
    }
    let removed = 0;
    for (const name of readdirSync(datadir)) {
      if (!/^v\d+$/.test(name) || name === `v${version}`) continue;
      const path = join(datadir, name);
      const bytes = directorySize(path);
      rmSync(path, { recursive: true, force: true });
      console.log(`removed ${path} (${formatBytes(bytes)})`);
      removed++;
    }
    if (removed === 0)
      console.log(`nothing to remove: only v${version} (the current version) is in ${datadir}`);
    return 0;
  });
}
