// A parsed devicetree as plain readonly data, and the lookups tests and the RM overlay need:
// nodes by path (DTSpec v0.4 §2.2.3), by phandle (§2.3.3), and property values decoded as cells/strings.

import { FdtError } from './fdt-error.js';

export interface FdtProperty {
  readonly name: string;
  readonly value: Uint8Array;
}

export interface FdtNode {
  /** Full name with unit address ("vmgenid@dfff0"); "" for the root. */
  readonly name: string;
  readonly properties: readonly FdtProperty[];
  readonly children: readonly FdtNode[];
}

/** The node at an absolute path such as "/vmgenid@dfff0", or undefined. */
export function findNode(root: FdtNode, path: string): FdtNode | undefined {
  if (!path.startsWith('/')) throw new FdtError('bad-name', `Path "${path}" is not absolute; start it with "/"`);
  let node: FdtNode | undefined = root;
  for (const seg of path.split('/').filter((s) => s !== '')) {
    node = node.children.find((c) => c.name === seg);
    if (node === undefined) return undefined;
  }
  return node;
}

/** Like findNode, but a missing node is an error naming the path. */
export function requireNode(root: FdtNode, path: string): FdtNode {
  const node = findNode(root, path);
  if (node === undefined) throw new FdtError('not-found', `The devicetree has no node ${path}`);
  return node;
}

/** The node whose `phandle` property equals `phandle`, searching depth-first. */
export function findByPhandle(root: FdtNode, phandle: number): FdtNode | undefined {
  const p = root.properties.find((x) => x.name === 'phandle');
  if (p !== undefined && p.value.length === 4 && cellsOf(p)[0] === phandle) return root;
  for (const c of root.children) {
    const hit = findByPhandle(c, phandle);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

export function getProperty(node: FdtNode, name: string): FdtProperty | undefined {
  return node.properties.find((p) => p.name === name);
}

export function requireProperty(node: FdtNode, name: string): FdtProperty {
  const p = getProperty(node, name);
  if (p === undefined) throw new FdtError('not-found', `Node "${node.name}" has no property "${name}"`);
  return p;
}

/** The value as big-endian 32-bit cells. */
export function cellsOf(p: FdtProperty): number[] {
  if (p.value.length % 4 !== 0) throw new FdtError('bad-value', `Property "${p.name}" is ${p.value.length} bytes, not whole cells`);
  const view = new DataView(p.value.buffer, p.value.byteOffset, p.value.byteLength);
  const cells: number[] = [];
  for (let at = 0; at < p.value.length; at += 4) cells.push(view.getUint32(at, false));
  return cells;
}

/** The value as big-endian 64-bit numbers (pairs of cells: `reg` with 2/2 cells, u64 properties). */
export function u64sOf(p: FdtProperty): bigint[] {
  if (p.value.length % 8 !== 0) throw new FdtError('bad-value', `Property "${p.name}" is ${p.value.length} bytes, not whole u64s`);
  const view = new DataView(p.value.buffer, p.value.byteOffset, p.value.byteLength);
  const out: bigint[] = [];
  for (let at = 0; at < p.value.length; at += 8) out.push(view.getBigUint64(at, false));
  return out;
}

/** The value as a <stringlist>: NUL-terminated strings back to back. */
export function stringsOf(p: FdtProperty): string[] {
  if (p.value.length === 0 || p.value[p.value.length - 1] !== 0) {
    throw new FdtError('bad-value', `Property "${p.name}" is not a NUL-terminated string list`);
  }
  return Buffer.from(p.value.subarray(0, -1)).toString('latin1').split('\0');
}
