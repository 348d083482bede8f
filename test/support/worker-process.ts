import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A worker app run as a child process (compiled JS under dist/), with its output captured. */
export class WorkerProcess {
  readonly child: ChildProcess;
  output = '';
  private exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(script: string | URL, args: string[], env: Record<string, string>) {
    const path = script instanceof URL ? fileURLToPath(script) : script;
    this.child = spawn(process.execPath, [path, ...args], {
      env: { ...process.env, FAUSTGEN_LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (process.env.FAUSTGEN_TEST_WORKER_LOG) process.stderr.write(chunk);
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  /** 'exited with code 1' (or the signal) once the process ended, else undefined. */
  ended(): string | undefined {
    const { exitCode, signalCode } = this.child;
    if (exitCode !== null) return `exited with code ${exitCode}`;
    return signalCode !== null ? `killed by ${signalCode}` : undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Waits until the output matches, or fails with the output so far. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) {
        throw new Error(
          `worker exited (${this.child.exitCode}) before ${pattern}:\n${this.output.slice(-4000)}`,
        );
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${pattern}:\n${this.output.slice(-4000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Waits for the exit; SIGKILLs the process when it does not exit in time. */
  async exited(
    timeoutMs = 30_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.exitPromise, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      const after = await this.exitPromise;
      return { ...after, ms: Date.now() - started };
    }
    return { ...result, ms: Date.now() - started };
  }

  /** Kills the process if it still runs (test cleanup). */
  async ensureStopped(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exitPromise;
    }
  }
}
