/**
 * The app's side of the ports its services declare (runtime/<service>/host.ts): each adapter
 * gives a service the parts of the worker it reads, in the shapes it asks for, and nothing else.
 */
import type { WebHost, WebTable } from '../web/host.js';
import type { App } from './app.js';

export function webHost(app: App): WebHost {
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
