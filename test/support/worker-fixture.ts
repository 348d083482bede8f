/**
 * The shared setup of integration suites that run worker processes: the broker check, a connected
 * admin and a kafkajs client, and cleanup of the workers and temp dirs the suite made. Call it at
 * the top of a describe(); its hooks run before the suite's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import { connectAdmin, createKafka, requireBroker } from './broker.js';
import { WorkerProcess } from './worker-process.js';

export interface WorkerFixture {
  /** Connected in the suite's first before() hook. */
  readonly admin: Admin;
  readonly kafka: Kafka;
  /** Starts a worker process, stopped (killed if need be) after the suite. */
  spawn(script: string | URL, args: string[], env: Record<string, string>): WorkerProcess;
  /** A new temp dir, removed after the suite. */
  tempDir(prefix: string): string;
  /** Runs after the suite, once the workers stopped, before the admin disconnects. */
  onCleanup(cleanup: () => Promise<unknown>): void;
}

export function workerFixture(): WorkerFixture {
  let admin: Admin | undefined;
  const kafka = createKafka();
  const workers: WorkerProcess[] = [];
  const dirs: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  before(async () => {
    await requireBroker();
    admin = await connectAdmin();
  });

  after(async () => {
    for (const worker of workers) await worker.ensureStopped();
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await admin?.disconnect();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  return {
    get admin(): Admin {
      if (!admin) throw new Error('workerFixture: the admin connects in before(); use it in a hook or test');
      return admin;
    },
    kafka,
    spawn(script, args, env) {
      const worker = new WorkerProcess(script, args, env);
      workers.push(worker);
      return worker;
    },
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
