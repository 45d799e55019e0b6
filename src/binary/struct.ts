// Named, endian-explicit struct layouts: every guest-visible or wire layout in bothy is one of these
// tables, so offsets are computed once from field sizes and never written inline.

export type FieldKind = 'u8' | 'u16le' | 'u32le' | 'u64le' | 'u16be' | 'u32be' | 'u64be' | 'bytes';

export interface Field<K extends FieldKind = FieldKind> {
  readonly kind: K;
  readonly size: number;
}

export const u8: Field<'u8'> = { kind: 'u8', size: 1 };
export const u16le: Field<'u16le'> = { kind: 'u16le', size: 2 };
export const u32le: Field<'u32le'> = { kind: 'u32le', size: 4 };
export const u64le: Field<'u64le'> = { kind: 'u64le', size: 8 };
export const u16be: Field<'u16be'> = { kind: 'u16be', size: 2 };
export const u32be: Field<'u32be'> = { kind: 'u32be', size: 4 };
export const u64be: Field<'u64be'> = { kind: 'u64be', size: 8 };
/** A fixed-length byte array (strings, padding, nested blobs). */
export function bytes(size: number): Field<'bytes'> {
  return { kind: 'bytes', size };
}

type ValueOf<F extends Field> = F['kind'] extends 'u64le' | 'u64be'
  ? bigint
  : F['kind'] extends 'bytes'
    ? Uint8Array
    : number;

export type Fields = Readonly<Record<string, Field>>;
export type Values<F extends Fields> = { -readonly [K in keyof F]: ValueOf<F[K]> };

export interface Struct<F extends Fields> {
  readonly name: string;
  readonly size: number;
  readonly fields: F;
  readonly offsets: { readonly [K in keyof F]: number };
  /** Encodes into `out` at `at` (a new zeroed buffer when omitted). Missing fields are written as zero. */
  encode(values: Partial<Values<F>>, out?: Uint8Array, at?: number): Uint8Array;
  decode(buf: Uint8Array, at?: number): Values<F>;
  get<K extends keyof F & string>(buf: Uint8Array, field: K, at?: number): ValueOf<F[K]>;
  set<K extends keyof F & string>(buf: Uint8Array, field: K, value: ValueOf<F[K]>, at?: number): void;
}

function dv(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function readField(view: DataView, off: number, f: Field, buf: Uint8Array): number | bigint | Uint8Array {
  switch (f.kind) {
    case 'u8': return view.getUint8(off);
    case 'u16le': return view.getUint16(off, true);
    case 'u32le': return view.getUint32(off, true);
    case 'u64le': return view.getBigUint64(off, true);
    case 'u16be': return view.getUint16(off, false);
    case 'u32be': return view.getUint32(off, false);
    case 'u64be': return view.getBigUint64(off, false);
    case 'bytes': return buf.slice(off, off + f.size);
  }
}

export function writeField(view: DataView, off: number, f: Field, v: unknown, buf: Uint8Array, name: string): void {
  switch (f.kind) {
    case 'u8': view.setUint8(off, checkUint(v, 0xff, name)); return;
    case 'u16le': view.setUint16(off, checkUint(v, 0xffff, name), true); return;
    case 'u32le': view.setUint32(off, checkUint(v, 0xffff_ffff, name), true); return;
    case 'u16be': view.setUint16(off, checkUint(v, 0xffff, name), false); return;
    case 'u32be': view.setUint32(off, checkUint(v, 0xffff_ffff, name), false); return;
    case 'u64le': view.setBigUint64(off, checkU64(v, name), true); return;
    case 'u64be': view.setBigUint64(off, checkU64(v, name), false); return;
    case 'bytes': {
      if (!(v instanceof Uint8Array) || v.length > f.size) {
        throw new RangeError(`field ${name}: expected at most ${f.size} bytes`);
      }
      buf.fill(0, off, off + f.size);
      buf.set(v, off);
      return;
    }
  }
}

function checkUint(v: unknown, max: number, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new RangeError(`field ${name}: ${String(v)} is not an integer in 0..${max}`);
  }
  return v;
}

function checkU64(v: unknown, name: string): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > 0xffff_ffff_ffff_ffffn) {
    throw new RangeError(`field ${name}: ${String(v)} is not a u64 bigint`);
  }
  return v;
}

export function struct<const F extends Fields>(name: string, fields: F): Struct<F> {
  const offsets: Record<string, number> = {};
  let size = 0;
  for (const [k, f] of Object.entries(fields)) {
    offsets[k] = size;
    size += f.size;
  }
  const entries = Object.entries(fields);
  const fieldAt = (k: string): [number, Field] => {
    const f = fields[k];
    const off = offsets[k];
    if (f === undefined || off === undefined) throw new Error(`${name} has no field ${k}`);
    return [off, f];
  };
  return {
    name,
    size,
    fields,
    offsets: offsets as { readonly [K in keyof F]: number },
    encode(values, out = new Uint8Array(size), at = 0) {
      if (at + size > out.length) throw new RangeError(`${name}: ${size} bytes do not fit at ${at} in ${out.length}`);
      const view = dv(out);
      for (const [k, f] of entries) {
        const v = (values as Record<string, unknown>)[k];
        const off = at + (offsets[k] ?? 0);
        if (v === undefined) out.fill(0, off, off + f.size);
        else writeField(view, off, f, v, out, `${name}.${k}`);
      }
      return out;
    },
    decode(buf, at = 0) {
      if (at + size > buf.length) {
        throw new RangeError(`${name}: need ${size} bytes at offset ${at}, have ${Math.max(0, buf.length - at)}`);
      }
      const view = dv(buf);
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) out[k] = readField(view, at + (offsets[k] ?? 0), f, buf);
      return out as Values<F>;
    },
    get(buf, k, at = 0) {
      const [off, f] = fieldAt(k);
      return readField(dv(buf), at + off, f, buf) as never;
    },
    set(buf, k, value, at = 0) {
      const [off, f] = fieldAt(k);
      writeField(dv(buf), at + off, f, value, buf, `${name}.${k}`);
    },
  };
}
