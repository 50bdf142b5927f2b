/** The machine a run is on, as the results and tables describe it. */
import { arch, cpus, freemem, platform, release, totalmem } from 'node:os';

/** Cores, CPU, memory, Node and OS of this machine. */
export interface Machine {
  cores: number;
  cpuModel: string;
  memoryTotalGiB: number;
  memoryFreeGiBAtStart: number;
  node: string;
  os: string;
}

/** Reads this machine's description (free memory as of now). */
export function machine(): Machine {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryTotalGiB: +(totalmem() / 2 ** 30).toFixed(1),
    memoryFreeGiBAtStart: +(freemem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  };
}
