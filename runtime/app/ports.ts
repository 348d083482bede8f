/**
 * The app's side of the ports its services declare (runtime/<service>/host.ts): each adapter
 * gives a service the parts of the worker it reads, in the shapes it asks for, and nothing else.
 */
import type { FaustgenAssignor } from '../assignor/assignor.js';
import type { LifecycleHooks } from '../core/lifecycle.js';
import type { Logger } from '../core/logging/index.js';
import type { Settings } from '../core/settings/index.js';
import type { Signal } from '../core/signals.js';
import type { TopicPartition } from '../core/types.js';
import type { Monitor } from '../sensors/monitor.js';
import type { JoinHost } from '../tables/joins/index.js';
import type { TableManager } from '../tables/manager.js';
import type { WebHost, WebTable } from '../web/host.js';
import type { Engine } from '../worker/engine.js';

/** The parts of the app the web adapter reads (App has them). */
export interface WebHostSource {
  readonly appId: string;
  readonly conf: Readonly<Settings>;
  readonly logger: Logger;
  readonly engine: Engine;
  readonly tables: TableManager;
  readonly assignor: FaustgenAssignor;
  readonly monitor: Monitor;
  readonly onRebalanceComplete: Signal<TopicPartition[]>;
  topics(): { readonly name: string }[];
  agents(): { readonly name: string }[];
  assignment(): TopicPartition[];
}

export function webHost(app: WebHostSource): WebHost {
  const tables = (): WebTable[] => app.tables.all();
  return {
    appId: app.appId,
    get conf() {
      return app.conf;
    },
    get logger() {
      return app.logger;
    },
    topicNames: () => app.topics().map((topic) => topic.name),
    agentNames: () => app.agents().map((agent) => agent.name),
    assignment: () => app.assignment(),
    cluster: () => app.assignor.current(),
    whenAssigned: (generation) => app.assignor.whenAssigned(generation),
    onRebalanceComplete: (listener) => {
      app.onRebalanceComplete.connect(listener);
    },
    partitionCount: (topic) => app.engine.transportAdmin.partitionCount(topic),
    monitorSnapshot: () => app.monitor.snapshot(),
    stalledPartitions: () => app.engine.stalledPartitions(),
    tables,
    table: (name) => tables().find((table) => table.name === name),
    recoveries: () => app.tables.recoveryStats(),
    whenRecovered: () => app.tables.whenRecovered(),
  };
}

/** The parts of the app the join adapter reads (App has them). */
export interface JoinHostSource {
  readonly conf: Readonly<Settings>;
  readonly engine: Engine;
  readonly tables: TableManager;
  topics(): { readonly name: string; readonly options: { readonly partitions?: number } }[];
  addLifecycle(hooks: LifecycleHooks): void;
}

export function joinHost(app: JoinHostSource): JoinHost {
  return {
    tables: app.tables,
    addStartCheck: (name, check) => app.addLifecycle({ name: `join ${name}`, onStart: check }),
    partitionCount: async (topic) =>
      (await app.engine.transportAdmin.partitionCount(topic)) ??
      app.topics().find((t) => t.name === topic)?.options.partitions ??
      app.conf.topicPartitions,
  };
}
