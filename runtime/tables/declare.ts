/** What app.table(), app.globalTable(), app.setTable() and app.setGlobalTable() build. */
import type { TypeSpec } from '../channels/serde.js';
import type { TableManager } from './manager.js';
import { SetGlobalTable, SetTable, SetTableManager, type SetTableOptions } from './set-table.js';
import { GlobalTable, Table } from './table.js';
import type { TableOptions } from './types.js';

export function declareTable(
  manager: TableManager,
  name: string,
  options: TableOptions,
  global: boolean,
): Table {
  const table = global ? new GlobalTable(manager, name, options) : new Table(manager, name, options);
  return manager.register(table);
}

export function declareSetTable(
  manager: TableManager,
  name: string,
  options: SetTableOptions<TypeSpec | undefined, TypeSpec | undefined>,
  global: boolean,
): SetTable {
  const table = global ? new SetGlobalTable(manager, name, options) : new SetTable(manager, name, options);
  manager.register(table);
  if (options.startManager) {
    table.manager = new SetTableManager(
      manager.declarations,
      table,
      options.managerTopic ?? `${name}-setmanager`,
    );
  }
  return table;
}
