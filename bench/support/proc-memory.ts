// A process's memory and CPU as proc(5) reports them: /proc/<pid>/status (VmRSS, RssAnon/File/Shmem,
// Threads), /proc/<pid>/smaps (Pss, and the Rss of mappings exactly the guest RAM's size, which is how
// Firecracker's memory-overhead test tells guest memory from the VMM's own) and /proc/<pid>/stat (CPU).

import { readFileSync } from 'node:fs';

/** Kilobytes, except Threads and guestMappings. */
export interface ProcMemory {
  readonly VmRSS: number;
  readonly RssAnon: number;
  readonly RssFile: number;
  readonly RssShmem: number;
  readonly Pss: number;
  /** Rss of the mappings whose size is exactly the guest RAM's (guest pages touched so far). */
  readonly guestRss: number;
  /** Anonymous pages of those mappings: what the guest wrote to a private (copy-on-write) file mapping. */
  readonly guestAnon: number;
  readonly guestMappings: number;
  readonly Threads: number;
}

export function parseProcMemory(status: string, smaps: string, guestKb: number): ProcMemory {
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  let pss = 0;
  let guestRss = 0;
  let guestAnon = 0;
  let guestMappings = 0;
  let size = 0;
  // Each mapping is a header line followed by "Size:", "KernelPageSize:", …, "Rss:", "Pss:", …, "Anonymous:"
  // in that order.
  for (const line of smaps.split('\n')) {
    const m = /^(Size|Rss|Pss|Anonymous):\s+(\d+) kB/.exec(line);
    if (!m) continue;
    const kb = Number(m[2]);
    if (m[1] === 'Size') size = kb;
    else if (m[1] === 'Pss') pss += kb;
    else if (size !== guestKb) continue;
    else if (m[1] === 'Anonymous') guestAnon += kb;
    else {
      guestRss += kb;
      guestMappings++;
    }
  }
  return {
    VmRSS: field('VmRSS'), RssAnon: field('RssAnon'), RssFile: field('RssFile'), RssShmem: field('RssShmem'),
    Pss: pss, guestRss, guestAnon, guestMappings, Threads: field('Threads'),
  };
}

export function procMemory(pid: number, guestKb: number): ProcMemory {
  return parseProcMemory(readFileSync(`/proc/${pid}/status`, 'latin1'), readFileSync(`/proc/${pid}/smaps`, 'latin1'), guestKb);
}

/** utime + stime of a process in clock ticks (/proc/<pid>/stat fields 14 and 15). */
export function parseCpuTicks(stat: string): number {
  // Fields after the command name, which may itself hold spaces and parentheses; field 3 is index 0.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

export function cpuTicks(pid: number): number {
  return parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'latin1'));
}
