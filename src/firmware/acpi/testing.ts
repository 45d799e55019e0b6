// Test helpers that use ACPICA's own tools as oracles (ARCHITECTURE.md "Tests"): write tables to a
// temporary directory, disassemble them with `iasl -d`, and evaluate names with `acpiexec -b`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type AcpiTool = 'iasl' | 'acpiexec';

/** Why `tool` cannot run here, or undefined when it can (for `t.skip(reason)`). */
export function toolMissing(tool: AcpiTool): string | undefined {
  const r = spawnSync(tool, ['-v'], { encoding: 'utf8' });
  if (r.error !== undefined) return `${tool} is not installed (${r.error.message}); install acpica-tools to run this oracle`;
  return undefined;
}

export interface TableDir {
  readonly dir: string;
  remove(): void;
}

export function writeTableFiles(files: readonly { readonly fileName: string; readonly bytes: Uint8Array }[]): TableDir {
  const dir = mkdtempSync(join(tmpdir(), 'bothy-acpi-'));
  for (const f of files) writeFileSync(join(dir, f.fileName), f.bytes);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ToolRun {
  readonly status: number | null;
  /** stdout and stderr together. */
  readonly output: string;
}

function run(tool: AcpiTool, args: readonly string[], cwd: string): ToolRun {
  // The timeout only keeps a wedged tool from hanging the suite; nothing asserts on speed.
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `iasl -d <file>`; returns the run and the .dsl text it wrote. */
export function iaslDisassemble(dir: string, fileName: string): ToolRun & { readonly dsl: string } {
  const r = run('iasl', ['-d', fileName], dir);
  const dslPath = join(dir, fileName.replace(/\.dat$/, '.dsl'));
  let dsl = '';
  try {
    dsl = readFileSync(dslPath, 'utf8');
  } catch {
    // Left empty: the caller's assertions on `status` and `dsl` report the failure.
  }
  return { ...r, dsl };
}

/** `iasl <file>`: compiles ASL or a data-table source (e.g. an RSDP template) into `<name>.aml`. */
export function iaslCompile(dir: string, fileName: string): ToolRun & { readonly aml: Uint8Array | undefined } {
  const r = run('iasl', [fileName], dir);
  let aml: Uint8Array | undefined;
  try {
    aml = new Uint8Array(readFileSync(join(dir, fileName.replace(/\.[^.]*$/, '.aml'))));
  } catch {
    aml = undefined;
  }
  return { ...r, aml };
}

/** `acpiexec -b "cmd1; cmd2" files…` (batch mode: run the commands after loading, then exit). */
export function acpiexecBatch(dir: string, fileNames: readonly string[], commands: readonly string[]): ToolRun {
  return run('acpiexec', ['-b', commands.join('; '), ...fileNames], dir);
}

/** Lines that mean ACPICA disliked something: exceptions other than AE_OK, errors, warnings. */
export function toolComplaints(output: string): string[] {
  return output.split('\n').filter((l) => /\bAE_(?!OK\b)[A-Z_]+|\berror\b|\bwarning\b|incorrect checksum/i.test(l));
}

/** The text acpiexec printed for `evaluate <path>`, up to the next evaluation. */
export function evaluation(output: string, path: string): string {
  const marker = `Evaluating ${path}\n`;
  const start = output.indexOf(marker);
  if (start < 0) return '';
  const rest = output.slice(start + marker.length);
  const end = rest.indexOf('\nEvaluating ');
  return end < 0 ? rest : rest.slice(0, end);
}

/** Every `[Integer] = …` value in an evaluation, in order. */
export function integersIn(text: string): bigint[] {
  return [...text.matchAll(/\[Integer\] = ([0-9A-Fa-f]+)/g)].map((m) => BigInt(`0x${m[1] ?? '0'}`));
}

/** The bytes of a `[Buffer] Length n =` evaluation, from its hex dump lines. */
export function bufferIn(text: string): Uint8Array | undefined {
  const len = /\[Buffer\] Length ([0-9A-Fa-f]+)/.exec(text);
  if (len === null) return undefined;
  const bytes: number[] = [];
  for (const m of text.matchAll(/^\s*[0-9A-Fa-f]{4}: ((?:[0-9A-Fa-f]{2} )+)/gm)) {
    for (const b of (m[1] ?? '').trim().split(' ')) bytes.push(Number.parseInt(b, 16));
  }
  return Uint8Array.from(bytes);
}

/** The string of a `[String] Length n = "…"` evaluation. */
export function stringIn(text: string): string | undefined {
  return /\[String\] Length [0-9A-Fa-f]+ = "([^"]*)"/.exec(text)?.[1];
}
