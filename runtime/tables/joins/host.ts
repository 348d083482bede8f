/**
 * What joins need from the worker (a port: app/ports.ts adapts the app to it). Joins declare
 * tables (a derived table, buffers) through the table manager and check co-partitioning when the
 * worker starts, after the tables have their real changelog partition counts.
 */
import type { TableManager } from '../manager.js';

export interface JoinHost {
  readonly tables: TableManager;
  /** Runs `check` at every start, after the tables attached their stores; a throw fails the start. */
  addStartCheck(name: string, check: () => Promise<void>): void;
  /** The partitions of a topic: the broker's count, else what the app declares it with. */
  partitionCount(topic: string): Promise<number>;
}
