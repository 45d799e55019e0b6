// The codec shape every RM message payload shares (gunyah.md §4): decoders return a result carrying the RM error
// RM answers for that payload; encoders check only that values fit the wire, so tests can build what RM refuses.

import { ByteSink } from '../../binary/byte-sink.js';
import type { Fields, Struct, Values } from '../../binary/struct.js';
import { RM_ERROR, RmError, type RmErrorCode } from '../rm-error.js';

export type Decoded<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'invalid'; readonly rmCode: RmErrorCode; readonly reason: string };

export interface PayloadCodec<T> {
  /** The exact payload length RM requires, or undefined when it depends on the content. */
  readonly size: number | undefined;
  encode(value: T): Uint8Array;
  decode(payload: Uint8Array): Decoded<T>;
}

/** RM's check that runs before it looks at the payload length, so a server must apply it before decoding. */
export type CallerPrecheck =
  /** `client_id != VMID_HLOS` -> DENIED (VM_ALLOCATE, VM_CONFIG_IMAGE, VM_AUTH_IMAGE, VM_INIT). */
  | 'hlos-only'
  /** `client_id == VMID_HYP` -> DENIED ("ignored legacy VM_START"). */
  | 'not-hyp'
  /** Caller not a static secondary VMID (< 64, in the platform mask) -> DENIED (VM_SET_STATUS). */
  | 'static-secondary-only'
  /** A crash-fatal caller -> ARGUMENT_INVALID once the length is right, before the field checks (VM_EXIT). */
  | 'crash-fatal-refused';

/** One RM request id: its payload codecs and what RM bf31a9a does with it. */
export interface MessageDef<Req, Rep> {
  readonly id: number;
  /** The RM name (include/*_message.h). */
  readonly name: string;
  /** The Linux GUNYAH_RM_RPC_* name where a kernel sends it. */
  readonly linuxName: string | undefined;
  readonly request: PayloadCodec<Req>;
  /** Reply data after an RM_OK code (an empty codec for the "std" reply). */
  readonly reply: PayloadCodec<Rep>;
  /** Failed replies carry a u32 hypervisor error after the code (VM_SET_TIME_BASE, VM_SET_FIRMWARE_MEM). */
  readonly hypErrorOnFailure: boolean;
  /** 'unimplemented': RM bf31a9a answers UNIMPLEMENTED although a layout exists (Linux-only or unhandled ids). */
  readonly rm: 'handled' | 'unimplemented';
  readonly precheck: CallerPrecheck | undefined;
}

/** One RM notification id and its payload codec. */
export interface NotificationDef<T> {
  readonly id: number;
  readonly name: string;
  readonly linuxName: string | undefined;
  readonly payload: PayloadCodec<T>;
}

export function ok<T>(value: T): Decoded<T> {
  return { kind: 'ok', value };
}

export function invalid(rmCode: RmErrorCode, reason: string): { readonly kind: 'invalid'; readonly rmCode: RmErrorCode; readonly reason: string } {
  return { kind: 'invalid', rmCode, reason };
}

export function msgInvalid(reason: string): { readonly kind: 'invalid'; readonly rmCode: RmErrorCode; readonly reason: string } {
  return invalid(RM_ERROR.MSG_INVALID, reason);
}

export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Runs an encoder, turning struct.ts RangeErrors (a value that does not fit its field) into RmError. */
export function guardEncode(what: string, f: () => Uint8Array): Uint8Array {
  try {
    return f();
  } catch (e) {
    if (e instanceof RmError) throw e;
    throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `Cannot encode ${what}: ${e instanceof Error ? e.message : String(e)}.`, { cause: e });
  }
}

export function checkCount(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `${what} ${String(v)} does not fit its field (0..${max}).`);
  }
}

/** A payload that must be empty (RM: `len != 0` -> MSG_INVALID). */
export const EMPTY: PayloadCodec<Record<string, never>> = {
  size: 0,
  encode: () => new Uint8Array(0),
  decode: (p) => (p.length === 0 ? ok({}) : msgInvalid(`expected an empty payload, got ${p.length} bytes`)),
};

type FixedValue<F extends Fields, Z extends keyof F, I extends keyof F> = Omit<Values<F>, Z | I> & { [K in I]?: Values<F>[K] };

export interface FixedCodecOptions<F extends Fields, Z extends keyof F & string, I extends keyof F & string> {
  /** Reserved fields RM checks: non-zero -> MSG_INVALID. Left out of decoded values; always encoded as 0. */
  readonly mustBeZero?: readonly Z[];
  /** Padding RM never reads: decoded as found (RM is lenient), optional on encode (default 0). */
  readonly ignored?: readonly I[];
  /** A further check RM makes before any state lookup, returning the refusal or undefined. */
  readonly check?: (v: FixedValue<F, Z, I>) => Decoded<never> | undefined;
}

/** A fixed-size payload laid out by `s`, whose length RM checks exactly (MSG_INVALID otherwise). */
export function fixedCodec<F extends Fields, const Z extends keyof F & string = never, const I extends keyof F & string = never>(
  s: Struct<F>,
  options: FixedCodecOptions<F, Z, I> = {},
): PayloadCodec<FixedValue<F, Z, I>> {
  const zero: readonly string[] = options.mustBeZero ?? [];
  const ignored: readonly string[] = options.ignored ?? [];
  return {
    size: s.size,
    encode: (value) => guardEncode(s.name, () => {
      const v: Record<string, unknown> = { ...value };
      for (const k of zero) delete v[k];
      for (const k of Object.keys(s.fields)) {
        if (v[k] === undefined && !zero.includes(k) && !ignored.includes(k)) {
          throw new RmError('INVALID_FIELD', RM_ERROR.ARGUMENT_INVALID, `${s.name}.${k} is missing; every field but padding must be given.`);
        }
      }
      return s.encode(v as Partial<Values<F>>);
    }),
    decode: (p) => {
      if (p.length !== s.size) return msgInvalid(`${s.name} must be ${s.size} bytes, got ${p.length}`);
      const raw = s.decode(p) as Record<string, unknown>;
      for (const k of zero) {
        const v = raw[k];
        if (v !== 0 && v !== 0n) return msgInvalid(`${s.name}.${k} must be 0, got ${String(v)}`);
        delete raw[k];
      }
      const value = raw as FixedValue<F, Z, I>;
      const refusal = options.check?.(value);
      return refusal ?? ok(value);
    },
  };
}

/** `u16 len, u16 pad, bytes[len], zero pad to 4` (crash messages, lookup URI/NAME): RM's exact-length rules. */
export const LENGTH_PREFIXED_PADDED = {
  encode(bytes: Uint8Array, what: string): Uint8Array {
    checkCount(bytes.length, 0xffff, `${what} length`);
    return new ByteSink().u16le(bytes.length).u16le(0).bytes(bytes).align(4).toBytes();
  },
  /** `maxLen`: longer strings RM refuses with ARGUMENT_INVALID (checked before the length match, as RM does). */
  decode(p: Uint8Array, what: string, maxLen?: number): Decoded<Uint8Array> {
    if (p.length < 4) return msgInvalid(`${what} needs a 4-byte length header, got ${p.length} bytes`);
    const len = (p[0] ?? 0) | ((p[1] ?? 0) << 8);
    if (maxLen !== undefined && len > maxLen) return invalid(RM_ERROR.ARGUMENT_INVALID, `${what} of ${len} bytes exceeds ${maxLen}`);
    if (4 + align4(len) !== p.length) return msgInvalid(`${what} of ${len} bytes needs a ${4 + align4(len)}-byte payload, got ${p.length}`);
    const tail = p.subarray(4 + len);
    if (tail.some((b) => b !== 0)) return msgInvalid(`${what} padding must be zero`);
    return ok(p.slice(4, 4 + len));
  },
};

export type CodecValue<C> = C extends PayloadCodec<infer T> ? T : never;

/** Identity with inference: a catalogue entry keeps its codecs' precise field types. */
export function defineMessage<Q, R>(def: MessageDef<Q, R>): MessageDef<Q, R> {
  return def;
}

export function defineNotification<T>(def: NotificationDef<T>): NotificationDef<T> {
  return def;
}
