// Test helpers that use the device-tree-compiler tools as oracles (ARCHITECTURE.md "Tests"): write a
// DTB to a temporary file, decompile it with `dtc -I dtb -O dts`, and read properties with `fdtget`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DtTool = 'dtc' | 'fdtget';

/** Why `tool` cannot run here, or undefined when it can (for `t.skip(reason)`). */
export function dtToolMissing(tool: DtTool): string | undefined {
  const r = spawnSync(tool, tool === 'dtc' ? ['--version'] : ['--help'], { encoding: 'utf8' });
  if (r.error !== undefined) return `${tool} is not installed (${r.error.message}); install device-tree-compiler to run this oracle`;
  return undefined;
}

export interface DtToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function withDtb<T>(dtb: Uint8Array, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'bothy-fdt-'));
  try {
    const file = join(dir, 'test.dtb');
    writeFileSync(file, dtb);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(tool: DtTool, args: readonly string[]): DtToolRun {
  // The timeout only keeps a wedged tool from hanging the suite; nothing asserts on speed.
  const r = spawnSync(tool, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `dtc -I dtb -O dts`: the source form on stdout, warnings on stderr. */
export function dtcDecompile(dtb: Uint8Array): DtToolRun {
  return withDtb(dtb, (file) => run('dtc', ['-I', 'dtb', '-O', 'dts', file]));
}

/**
 * `fdtget [-t type] dtb node property`. `type` is fdtget's format: "x" hex cells, "u" decimal cells,
 * "s" string, "bx" hex bytes; omitted, fdtget guesses.
 */
export function fdtget(dtb: Uint8Array, node: string, property: string, type?: string): DtToolRun {
  const args = type === undefined ? [] : ['-t', type];
  return withDtb(dtb, (file) => run('fdtget', [...args, file, node, property]));
}

/** `fdtget -l dtb node`: the names of a node's subnodes. */
export function fdtgetSubnodes(dtb: Uint8Array, node: string): DtToolRun {
  return withDtb(dtb, (file) => run('fdtget', ['-l', file, node]));
}
