// Parses a DTB (DTSpec v0.4 ch. 5) back into a node tree: header checks, the memory reservation
// block, and the structure block's token stream, with every offset bounds-checked against totalsize.

import type { Values } from '../../binary/struct.js';
import { FdtError } from './fdt-error.js';
import type { FdtNode, FdtProperty } from './fdt-node.js';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER,
  FDT_LAST_COMP_VERSION,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
  FDT_PROP_HEADER,
  FDT_RESERVE_ENTRY,
  FDT_TAGSIZE,
  FDT_VERSION,
} from './fdt-header.js';

export interface FdtReservation {
  readonly address: bigint;
  readonly size: bigint;
}

export interface Fdt {
  readonly header: Readonly<Values<typeof FDT_HEADER.fields>>;
  readonly reservations: readonly FdtReservation[];
  readonly root: FdtNode;
}

interface MutableNode {
  name: string;
  properties: FdtProperty[];
  children: MutableNode[];
}

export function parseFdt(blob: Uint8Array): Fdt {
  if (blob.length < FDT_HEADER.size) bad(`${blob.length} bytes is shorter than the ${FDT_HEADER.size}-byte header`);
  const header = FDT_HEADER.decode(blob);
  if (header.magic !== FDT_MAGIC) bad(`magic is 0x${header.magic.toString(16)}, not 0x${FDT_MAGIC.toString(16)}`);
  if (header.totalsize > blob.length) bad(`totalsize ${header.totalsize} exceeds the ${blob.length} bytes given`);
  // A version-17 reader understands every blob whose last_comp_version is at most 17 (§5.2).
  if (header.version < FDT_LAST_COMP_VERSION || header.last_comp_version > FDT_VERSION) {
    bad(`version ${header.version} (last compatible ${header.last_comp_version}) is not readable as version ${FDT_VERSION}`);
  }
  const data = blob.subarray(0, header.totalsize);
  const within = (what: string, off: number, size: number): void => {
    if (off + size > data.length) bad(`${what} (${size} bytes at ${off}) runs past totalsize ${data.length}`);
  };
  within('structure block', header.off_dt_struct, header.size_dt_struct);
  within('strings block', header.off_dt_strings, header.size_dt_strings);
  if (header.off_dt_struct % FDT_TAGSIZE !== 0) bad(`structure block offset ${header.off_dt_struct} is not 4-byte aligned`);

  const reservations: FdtReservation[] = [];
  for (let at = header.off_mem_rsvmap; ; at += FDT_RESERVE_ENTRY.size) {
    within('memory reservation entry', at, FDT_RESERVE_ENTRY.size);
    const e = FDT_RESERVE_ENTRY.decode(data, at);
    if (e.address === 0n && e.size === 0n) break;
    reservations.push(e);
  }

  const strings = data.subarray(header.off_dt_strings, header.off_dt_strings + header.size_dt_strings);
  const struct = data.subarray(header.off_dt_struct, header.off_dt_struct + header.size_dt_struct);
  return { header, reservations, root: parseStructure(struct, strings) };
}

function parseStructure(struct: Uint8Array, strings: Uint8Array): FdtNode {
  const view = new DataView(struct.buffer, struct.byteOffset, struct.byteLength);
  const stack: MutableNode[] = [];
  let root: MutableNode | undefined;
  let at = 0;
  const token = (): number => {
    if (at + FDT_TAGSIZE > struct.length) bad(`structure block ends at ${at} without FDT_END`);
    const t = view.getUint32(at, false);
    at += FDT_TAGSIZE;
    return t;
  };
  const pad = (n: number): number => Math.ceil(n / FDT_TAGSIZE) * FDT_TAGSIZE;

  for (;;) {
    const tokenAt = at;
    const t = token();
    if (t === FDT_BEGIN_NODE) {
      if (root !== undefined && stack.length === 0) bad(`a second top-level node at structure offset ${tokenAt}`);
      const name = cStringAt(struct, at, 'node name');
      at += pad(name.length + 1);
      const node: MutableNode = { name, properties: [], children: [] };
      const parent = stack.at(-1);
      if (parent === undefined) root = node;
      else parent.children.push(node);
      stack.push(node);
    } else if (t === FDT_END_NODE) {
      if (stack.pop() === undefined) bad(`FDT_END_NODE at structure offset ${tokenAt} closes no node`);
    } else if (t === FDT_PROP) {
      const node = stack.at(-1);
      if (node === undefined) bad(`FDT_PROP at structure offset ${tokenAt} is outside any node`);
      if (at + FDT_PROP_HEADER.size > struct.length) bad(`property header at ${at} runs past the structure block`);
      const { len, nameoff } = FDT_PROP_HEADER.decode(struct, at);
      at += FDT_PROP_HEADER.size;
      if (at + len > struct.length) bad(`property value (${len} bytes at ${at}) runs past the structure block`);
      if (nameoff >= strings.length) bad(`property name offset ${nameoff} is outside the ${strings.length}-byte strings block`);
      node.properties.push({ name: cStringAt(strings, nameoff, 'property name'), value: struct.slice(at, at + len) });
      at += pad(len);
    } else if (t === FDT_NOP) {
      continue;
    } else if (t === FDT_END) {
      if (stack.length !== 0) bad(`FDT_END at structure offset ${tokenAt} with ${stack.length} node(s) still open`);
      if (root === undefined) bad('the structure block has no root node');
      return root;
    } else {
      bad(`unknown token 0x${t.toString(16)} at structure offset ${tokenAt}`);
    }
  }
}

function cStringAt(buf: Uint8Array, at: number, what: string): string {
  const end = buf.indexOf(0, at);
  if (end < 0) bad(`${what} at offset ${at} is not NUL-terminated`);
  return Buffer.from(buf.subarray(at, end)).toString('latin1');
}

function bad(detail: string): never {
  throw new FdtError('bad-blob', `Not a valid DTB: ${detail}`);
}
