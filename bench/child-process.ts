import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  ChildMessage,
  ChildRequest,
  MemorySample,
  NodeLimits,
  ServerConfig,
  StoreCounts,
} from './common.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./child.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const REPLY_TIMEOUT_MS = 60_000;

/**
 * How to start Node with the given arguments (Node flags, then the child script): the
 * program to run and its arguments before the script, e.g. a shell that first moves
 * itself into a memory cgroup and then `exec`s Node (see `memory-cgroup.ts`).
 */
export type NodeLauncher = (nodeFlags: string[]) => { execPath: string; execArgv: string[] };

const plainNode: NodeLauncher = (nodeFlags) => ({
  execPath: process.execPath,
  execArgv: nodeFlags,
});

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type RequestBody = ChildRequest extends infer R
  ? R extends ChildRequest
    ? Omit<R, 'id'>
    : never
  : never;

/** One benchmarked server in its own Node process, driven over IPC. */
export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'reply') return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message.value);
    });
    // A dead child (e.g. out of heap) must fail its callers, not crash the bench.
    child.on('error', () => undefined);
    child.on('exit', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('server process exited'));
      this.pending.clear();
    });
  }

  /**
   * Starts a server process; `execArgv` adds Node flags (e.g. `--expose-gc`, `--cpu-prof`),
   * `launcher` says how Node is started (by default directly).
   */
  static start(
    config: ServerConfig,
    execArgv: string[] = [],
    launcher: NodeLauncher = plainNode,
  ): Promise<ServerProcess> {
    const child = fork(CHILD_SCRIPT, [], {
      env: { ...process.env, BENCH_SERVER: JSON.stringify(config) },
      ...launcher(execArgv),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${config.kind} server did not start in time`));
      }, START_TIMEOUT_MS);
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new Error(`${config.kind} server ${how} before it was ready`));
      };
      child.once('exit', onExit);
      child.on('message', function onMessage(message: ChildMessage) {
        if (message.type === 'ready') {
          clearTimeout(timer);
          child.off('exit', onExit);
          child.off('message', onMessage);
          resolve(new ServerProcess(child, message.port));
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          child.off('exit', onExit);
          child.kill();
          reject(new Error(`${config.kind} server failed to start: ${message.error}`));
        }
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has exited (by itself, a crash or a signal). */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private call<T>(request: RequestBody): Promise<T> {
    const id = this.nextId++;
    if (this.exited || !this.child.connected) {
      return Promise.reject(new Error(`server process is gone (no reply to ${request.cmd})`));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${request.cmd}`));
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ ...request, id }, (error) => {
        if (!error) return;
        this.pending.delete(id);
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  memory(gc = true): Promise<MemorySample> {
    return this.call({ cmd: 'memory', gc });
  }

  peakRss(): Promise<number> {
    return this.call({ cmd: 'peakRss' });
  }

  storeCounts(reset = false): Promise<StoreCounts | undefined> {
    return this.call({ cmd: 'storeCounts', reset });
  }

  evict(ids: string[]): Promise<number> {
    return this.call({ cmd: 'evict', ids });
  }

  liveCount(): Promise<number | undefined> {
    return this.call({ cmd: 'liveCount' });
  }

  /** Latencies (ms) of `count` loads straight on the server's store, one at a time. */
  storeLoadLatencies(count: number): Promise<number[] | undefined> {
    return this.call({ cmd: 'storeLoadLatencies', count });
  }

  /** The memory limit Node sees (cgroup) and the V8 heap size it derived at startup. */
  nodeLimits(): Promise<NodeLimits> {
    return this.call({ cmd: 'nodeLimits' });
  }

  /** The server process's CPU time so far (user + system), in microseconds. */
  async cpuMicros(): Promise<number> {
    const { user, system } = await this.call<NodeJS.CpuUsage>({ cmd: 'cpuUsage' });
    return user + system;
  }

  /** Closes the server and waits for its process to exit (killing it if it hangs). */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    try {
      await this.call({ cmd: 'close' });
    } catch {
      this.child.kill('SIGKILL');
    }
    await exited;
    clearTimeout(killer);
  }
}
