/**
 * A fresh memory cgroup for one server process, so that it runs the way a container with
 * a memory limit runs it: Node sizes V8's heap from the cgroup's limit at startup
 * (`process.constrainedMemory()`), and the kernel OOM-kills the process if it needs more.
 *
 * The cgroup is a sub-group of this process's own memory cgroup (cgroup v1: the `memory`
 * hierarchy, `memory.limit_in_bytes`; cgroup v2: the unified hierarchy, `memory.max`).
 * The child joins it before Node starts: it is forked through `/bin/sh -c`, which writes
 * its own pid to the cgroup's `cgroup.procs` and then `exec`s Node in the same process,
 * so the IPC channel's file descriptor survives.
 *
 * The kernel charges a file page to the cgroup that first read it: pages already in the
 * page cache (the Node binary, say) stay charged elsewhere, so the cgroup's usage can be
 * lower than the process's RSS, and its limit a little more lenient than a container's
 * whose image nobody else has read. The target itself checks the peak RSS.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeLauncher } from './child-process.js';

/** Cgroups cannot be used here; the message says why. */
export class MemoryCgroupUnavailable extends Error {
  constructor(why: string) {
    super(`memory cgroup not available: ${why}`);
  }
}

/** What the kernel says about a cgroup's memory: its limit, peak usage and OOM kills. */
export interface MemoryCgroupReport {
  version: 1 | 2;
  limitBytes: number;
  /** v1 `memory.max_usage_in_bytes`, v2 `memory.peak` (absent on kernels before 5.19). */
  maxUsageBytes?: number;
  /** v1 `oom_kill` of `memory.oom_control`, v2 `oom_kill` of `memory.events`. */
  oomKills?: number;
}

/** Where this process's memory cgroup is: its directory and the hierarchy's version. */
interface OwnCgroup {
  version: 1 | 2;
  dir: string;
}

/** Writes `$$` (the shell's pid, Node's after `exec`) to `cgroup.procs`, then runs Node. */
const JOIN_AND_EXEC =
  'echo $$ > "$1" || { echo "bench: could not join the memory cgroup" >&2; exit 97; }; shift; exec "$@"';

let created = 0;
/** Cgroups not removed yet: a run that ends early still tries to remove them on exit. */
const live = new Set<string>();
process.once('exit', () => {
  for (const dir of live) {
    try {
      rmdirSync(dir);
    } catch {
      // Still in use, or gone already.
    }
  }
});

/** `\040` and the like in /proc/self/mountinfo fields. */
const unescapeMountField = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const errorCode = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

/** The mount point of a hierarchy, mapped to the directory of a cgroup path in it. */
function mountedDir(cgroupPath: string, fsType: 'cgroup' | 'cgroup2'): string | undefined {
  const mountinfo = readText('/proc/self/mountinfo') ?? '';
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!after) continue;
    const [type, , superOptions = ''] = after.split(' ');
    if (type !== fsType) continue;
    if (fsType === 'cgroup' && !superOptions.split(',').includes('memory')) continue;
    const fields = before.split(' ');
    const root = unescapeMountField(fields[3]);
    const mountPoint = unescapeMountField(fields[4]);
    if (root === '/') return join(mountPoint, cgroupPath);
    if (cgroupPath === root || cgroupPath.startsWith(`${root}/`)) {
      return join(mountPoint, cgroupPath.slice(root.length));
    }
  }
  return undefined;
}

/** Finds this process's memory cgroup (v1 `memory` line first, else the v2 `0::` line). */
function ownMemoryCgroup(): OwnCgroup {
  if (process.platform !== 'linux') throw new MemoryCgroupUnavailable(`not Linux`);
  const lines = (readText('/proc/self/cgroup') ?? '').split('\n').filter(Boolean);
  if (!lines.length) throw new MemoryCgroupUnavailable('no /proc/self/cgroup');
  const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes('memory'));
  if (v1) {
    const dir = mountedDir(v1.slice(v1.indexOf(':', v1.indexOf(':') + 1) + 1), 'cgroup');
    if (!dir) throw new MemoryCgroupUnavailable('the cgroup v1 memory hierarchy is not mounted');
    return { version: 1, dir };
  }
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (!v2) throw new MemoryCgroupUnavailable('no memory controller in /proc/self/cgroup');
  const dir = mountedDir(v2.slice(3), 'cgroup2');
  if (!dir) throw new MemoryCgroupUnavailable('the cgroup v2 hierarchy is not mounted');
  const subtree = readText(join(dir, 'cgroup.subtree_control')) ?? '';
  if (!subtree.split(/\s+/).includes('memory')) {
    throw new MemoryCgroupUnavailable(
      'cgroup v2 without the memory controller for sub-groups of the cgroup of this process ' +
        '(cgroup.subtree_control has no "memory")',
    );
  }
  return { version: 2, dir };
}

/** A `key value` line of a cgroup file (`memory.events`, `memory.oom_control`). */
function keyedValue(text: string | undefined, key: string): number | undefined {
  const match = text ? new RegExp(`^${key} (\\d+)$`, 'm').exec(text) : null;
  return match ? Number(match[1]) : undefined;
}

function numberIn(file: string): number | undefined {
  const text = readText(file)?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** A uniquely named memory cgroup with a limit; remove it once its process has exited. */
export class MemoryCgroup {
  private removed = false;

  private constructor(
    readonly version: 1 | 2,
    private readonly dir: string,
    readonly limitBytes: number,
  ) {}

  /**
   * Creates a sub-group of this process's memory cgroup limited to `limitBytes`, with no
   * swap where the kernel accounts for it (a container without swap; with swap the kernel
   * would page out instead of OOM-killing and RSS would look smaller). Throws
   * `MemoryCgroupUnavailable` when there is no writable memory controller.
   */
  static create(limitBytes: number, label: string): MemoryCgroup {
    const own = ownMemoryCgroup();
    if (!existsSync('/bin/sh')) throw new MemoryCgroupUnavailable('no /bin/sh to join it');
    const name = `bench-${label}-${process.pid}-${++created}`;
    const dir = join(own.dir, name);
    try {
      mkdirSync(dir);
    } catch (error) {
      throw new MemoryCgroupUnavailable(
        `cannot create a sub-group of this process's memory cgroup (cgroup v${own.version}): ${errorCode(error)}`,
      );
    }
    const limitFile = own.version === 1 ? 'memory.limit_in_bytes' : 'memory.max';
    try {
      writeFileSync(join(dir, limitFile), String(limitBytes));
    } catch (error) {
      rmdirSync(dir);
      throw new MemoryCgroupUnavailable(`cannot write ${limitFile}: ${errorCode(error)}`);
    }
    const swapFile = own.version === 1 ? 'memory.memsw.limit_in_bytes' : 'memory.swap.max';
    if (existsSync(join(dir, swapFile))) {
      try {
        writeFileSync(join(dir, swapFile), own.version === 1 ? String(limitBytes) : '0');
      } catch {
        // Best effort: without swap accounting the memory limit alone applies.
      }
    }
    live.add(dir);
    return new MemoryCgroup(own.version, dir, numberIn(join(dir, limitFile)) ?? limitBytes);
  }

  /** Starts Node (with `nodeArgs`) inside this cgroup, through `/bin/sh -c`. */
  readonly launcher: NodeLauncher = (nodeArgs) => ({
    execPath: '/bin/sh',
    execArgv: [
      '-c',
      JOIN_AND_EXEC,
      'bench-memory-cgroup',
      join(this.dir, 'cgroup.procs'),
      process.execPath,
      ...nodeArgs,
    ],
  });

  /** The kernel's view of the cgroup so far (read it before `remove`). */
  report(): MemoryCgroupReport {
    const file = (name: string) => join(this.dir, name);
    return this.version === 1
      ? {
          version: 1,
          limitBytes: this.limitBytes,
          maxUsageBytes: numberIn(file('memory.max_usage_in_bytes')),
          oomKills: keyedValue(readText(file('memory.oom_control')), 'oom_kill'),
        }
      : {
          version: 2,
          limitBytes: this.limitBytes,
          maxUsageBytes: numberIn(file('memory.peak')),
          oomKills: keyedValue(readText(file('memory.events')), 'oom_kill'),
        };
  }

  /**
   * Removes the cgroup once its processes have exited (retrying while the kernel still
   * counts a process that is exiting); resolves to false if it could not.
   */
  async remove(): Promise<boolean> {
    if (this.removed) return true;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        rmdirSync(this.dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EBUSY') {
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        if (code !== 'ENOENT') return false;
      }
      live.delete(this.dir);
      this.removed = true;
      return true;
    }
    return false;
  }
}
