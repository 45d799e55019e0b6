// Flattened devicetree writer (DTSpec v0.4 ch. 5): begin/end node and property tokens into the
// structure block, names into a de-duplicated strings block, then header and reservation block.
// It checks the rules a DTB consumer relies on (names, properties before subnodes, balanced nodes).

import { ByteSink } from '../../binary/byte-sink.js';
import { FdtError } from './fdt-error.js';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER,
  FDT_LAST_COMP_VERSION,
  FDT_MAGIC,
  FDT_PROP,
  FDT_PROP_HEADER,
  FDT_RESERVE_ENTRY,
  FDT_RSVMAP_ALIGN,
  FDT_TAGSIZE,
  FDT_VERSION,
} from './fdt-header.js';

/** §2.2.1: node-name is 1-31 characters starting with a letter, then an optional @unit-address. */
const NODE_NAME = /^[A-Za-z][A-Za-z0-9,._+-]{0,30}(@[A-Za-z0-9,._+-]+)?$/;
/** §2.2.4 property names. */
const PROPERTY_NAME = /^[A-Za-z0-9,._+?#-]{1,31}$/;
/** §2.3.5: what a client assumes when a parent does not say. */
const DEFAULT_ADDRESS_CELLS = 2;
const DEFAULT_SIZE_CELLS = 1;
/** The cell counts `reg()` writes: one 64-bit address and one 64-bit size per entry. */
const REG_ADDRESS_CELLS = 2;
const REG_SIZE_CELLS = 2;
const U32_MAX = 0xffff_ffff;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

export interface FdtRegion {
  readonly address: number | bigint;
  readonly size: number | bigint;
}

export interface FdtWriterOptions {
  /** §5.2 boot_cpuid_phys: the physical id of the boot CPU (0 unless a platform says otherwise). */
  readonly bootCpuidPhys?: number;
}

interface OpenNode {
  readonly path: string;
  readonly properties: Set<string>;
  readonly children: Set<string>;
  addressCells: number | undefined;
  sizeCells: number | undefined;
}

export class FdtWriter {
  readonly #struct = new ByteSink();
  readonly #strings = new ByteSink();
  readonly #stringOffsets = new Map<string, number>();
  readonly #reservations: { address: bigint; size: bigint }[] = [];
  readonly #open: OpenNode[] = [];
  readonly #phandles = new Set<number>();
  readonly #bootCpuidPhys: number;
  #nextPhandle = 1;
  #rootDone = false;

  constructor(options: FdtWriterOptions = {}) {
    this.#bootCpuidPhys = u32(options.bootCpuidPhys ?? 0, 'boot_cpuid_phys');
  }

  /** A memory reservation block entry (§5.3): memory the client must not use for itself. */
  addReservation(region: FdtRegion): this {
    const address = u64(region.address, 'reservation address');
    const size = u64(region.size, 'reservation size');
    // A zero-size entry would read as the list terminator.
    if (size === 0n) throw new FdtError('bad-value', `Reservation at 0x${address.toString(16)} has size 0; give it a size`);
    this.#reservations.push({ address, size });
    return this;
  }

  /** FDT_BEGIN_NODE. The first node is the root and is named "". */
  beginNode(name: string): this {
    if (this.#rootDone) throw new FdtError('bad-structure', `Cannot begin node "${name}": the root node is already closed`);
    const parent = this.#open.at(-1);
    if (parent === undefined) {
      if (name !== '') throw new FdtError('bad-name', `The first node is the root and must be named "", not "${name}"`);
    } else {
      if (!NODE_NAME.test(name)) {
        throw new FdtError(
          'bad-name',
          `Node name "${name}" under ${parent.path} is invalid: use 1-31 of [A-Za-z0-9,._+-] starting with a letter, then an optional @unit-address`,
        );
      }
      if (parent.children.has(name)) throw new FdtError('bad-structure', `Node ${parent.path} already has a child "${name}"`);
      parent.children.add(name);
    }
    const path = parent === undefined ? '/' : parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
    this.#struct.u32be(FDT_BEGIN_NODE).ascii(name).u8(0).align(FDT_TAGSIZE);
    this.#open.push({ path, properties: new Set(), children: new Set(), addressCells: undefined, sizeCells: undefined });
    return this;
  }

  /** FDT_END_NODE for the innermost open node. */
  endNode(): this {
    if (this.#open.pop() === undefined) throw new FdtError('bad-structure', 'endNode() without an open node');
    this.#struct.u32be(FDT_END_NODE);
    if (this.#open.length === 0) this.#rootDone = true;
    return this;
  }

  /** FDT_PROP with raw value bytes. Properties of a node come before its subnodes (§5.4.2). */
  property(name: string, value: Uint8Array): this {
    const node = this.#current(`property "${name}"`);
    if (!PROPERTY_NAME.test(name)) {
      throw new FdtError('bad-name', `Property name "${name}" in ${node.path} is invalid: use 1-31 of [A-Za-z0-9,._+?#-]`);
    }
    if (node.children.size > 0) {
      throw new FdtError('bad-structure', `Property "${name}" in ${node.path} comes after a subnode; write properties first`);
    }
    if (node.properties.has(name)) throw new FdtError('bad-structure', `Node ${node.path} already has property "${name}"`);
    node.properties.add(name);
    if (value.length === 4 && (name === '#address-cells' || name === '#size-cells')) {
      const cells = new DataView(value.buffer, value.byteOffset, 4).getUint32(0, false);
      if (name === '#address-cells') node.addressCells = cells;
      else node.sizeCells = cells;
    }
    this.#struct.u32be(FDT_PROP).bytes(FDT_PROP_HEADER.encode({ len: value.length, nameoff: this.#nameOffset(name) }));
    this.#struct.bytes(value).align(FDT_TAGSIZE);
    return this;
  }

  /** A property with no value: a boolean that is true by being present (`interrupt-controller`). */
  propertyEmpty(name: string): this {
    return this.property(name, new Uint8Array(0));
  }

  propertyU32(name: string, value: number): this {
    return this.propertyCells(name, [value]);
  }

  propertyU64(name: string, value: number | bigint): this {
    const out = new ByteSink().u64be(u64(value, name));
    return this.property(name, out.toBytes());
  }

  /** A <prop-encoded-array> of 32-bit cells (`interrupts`, `#…-cells` lists). */
  propertyCells(name: string, cells: readonly number[]): this {
    const out = new ByteSink();
    for (const c of cells) out.u32be(u32(c, name));
    return this.property(name, out.toBytes());
  }

  propertyString(name: string, value: string): this {
    return this.propertyStringList(name, [value]);
  }

  /** A <stringlist>: NUL-terminated strings back to back (`compatible = "a", "b"`). */
  propertyStringList(name: string, values: readonly string[]): this {
    const out = new ByteSink();
    for (const s of values) out.bytes(cString(s, name));
    return this.property(name, out.toBytes());
  }

  /** A fresh phandle value, unique in this tree. Write it with `propertyPhandle` on the node it names. */
  allocPhandle(): number {
    while (this.#phandles.has(this.#nextPhandle)) this.#nextPhandle++;
    return this.#nextPhandle++;
  }

  /** The `phandle` property (§2.3.3) that lets other nodes reference the current one. */
  propertyPhandle(phandle: number): this {
    if (!Number.isInteger(phandle) || phandle === 0 || phandle >= U32_MAX) {
      throw new FdtError('bad-value', `phandle ${phandle} is invalid: use 1..0xfffffffe (allocPhandle() hands them out)`);
    }
    if (this.#phandles.has(phandle)) throw new FdtError('bad-structure', `phandle ${phandle} is already used by another node`);
    this.#phandles.add(phandle);
    return this.propertyU32('phandle', phandle);
  }

  /**
   * `reg` (§2.3.6) as (address, size) pairs of two cells each; the parent node must have declared
   * #address-cells = <2> and #size-cells = <2>, which is what bothy's root nodes use.
   */
  propertyReg(regions: readonly FdtRegion[]): this {
    const node = this.#current('property "reg"');
    const parent = this.#open.at(-2);
    if (parent === undefined) throw new FdtError('bad-structure', 'The root node cannot have "reg": it has no parent bus');
    const ac = parent.addressCells ?? DEFAULT_ADDRESS_CELLS;
    const sc = parent.sizeCells ?? DEFAULT_SIZE_CELLS;
    if (ac !== REG_ADDRESS_CELLS || sc !== REG_SIZE_CELLS) {
      throw new FdtError(
        'bad-structure',
        `"reg" in ${node.path} writes 2 address + 2 size cells, but ${parent.path} has #address-cells = <${ac}> and ` +
          `#size-cells = <${sc}>; set both to 2 on the parent first`,
      );
    }
    const out = new ByteSink();
    for (const r of regions) out.u64be(u64(r.address, 'reg address')).u64be(u64(r.size, 'reg size'));
    return this.property('reg', out.toBytes());
  }

  /** The complete DTB: header, reservation block, structure block (ending in FDT_END), strings. */
  finish(): Uint8Array {
    if (!this.#rootDone) {
      throw new FdtError(
        'bad-structure',
        this.#open.length === 0 ? 'The tree has no root node' : `Node ${this.#open.at(-1)?.path ?? ''} is still open; end every node before finish()`,
      );
    }
    const out = new ByteSink();
    out.zeros(FDT_HEADER.size).align(FDT_RSVMAP_ALIGN);
    const offRsvmap = out.length;
    for (const r of this.#reservations) out.bytes(FDT_RESERVE_ENTRY.encode(r));
    out.bytes(FDT_RESERVE_ENTRY.encode({ address: 0n, size: 0n }));
    const offStruct = out.length;
    const struct = this.#struct.toBytes();
    out.bytes(struct).u32be(FDT_END);
    const sizeStruct = struct.length + FDT_TAGSIZE;
    const offStrings = out.length;
    const strings = this.#strings.toBytes();
    out.bytes(strings);
    const blob = out.toBytes();
    FDT_HEADER.encode(
      {
        magic: FDT_MAGIC,
        totalsize: blob.length,
        off_dt_struct: offStruct,
        off_dt_strings: offStrings,
        off_mem_rsvmap: offRsvmap,
        version: FDT_VERSION,
        last_comp_version: FDT_LAST_COMP_VERSION,
        boot_cpuid_phys: this.#bootCpuidPhys,
        size_dt_strings: strings.length,
        size_dt_struct: sizeStruct,
      },
      blob,
    );
    return blob;
  }

  #current(what: string): OpenNode {
    const node = this.#open.at(-1);
    if (node === undefined) throw new FdtError('bad-structure', `Cannot write ${what}: no node is open (call beginNode first)`);
    return node;
  }

  #nameOffset(name: string): number {
    let off = this.#stringOffsets.get(name);
    if (off === undefined) {
      off = this.#strings.length;
      this.#strings.ascii(name).u8(0);
      this.#stringOffsets.set(name, off);
    }
    return off;
  }
}

function u32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw new FdtError('bad-value', `${what}: ${v} is not a 32-bit cell value`);
  return v;
}

function u64(v: number | bigint, what: string): bigint {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) {
    throw new FdtError('bad-value', `${what}: ${v} is not a safe integer; pass a bigint`);
  }
  const b = BigInt(v);
  if (b < 0n || b > U64_MAX) throw new FdtError('bad-value', `${what}: ${v} does not fit in 64 bits`);
  return b;
}

function cString(s: string, what: string): Uint8Array {
  const out = new Uint8Array(s.length + 1);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c > 0x7e) {
      throw new FdtError('bad-value', `${what}: string ${JSON.stringify(s)} has character ${c} at ${i}; use printable ASCII`);
    }
    out[i] = c;
  }
  return out;
}
