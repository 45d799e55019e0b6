// VM console messages (gunyah.md §4.1 0x56000081-84; RM include/vm_console_message.h, src/vm_console): OPEN,
// CLOSE and FLUSH take `u16 vmid, u16 res0` (res0 unchecked); WRITE is `u16 vmid, u16 num_bytes, bytes`, unpadded.

import { ByteSink } from '../../binary/byte-sink.js';
import { struct, u16le } from '../../binary/struct.js';
import * as ID from './message-ids.js';
import { checkCount, defineMessage, EMPTY, fixedCodec, guardEncode, msgInvalid, ok, type PayloadCodec } from './payload-codec.js';

export const VM_CONSOLE_REQ = struct('vm_console_req', { vmid: u16le, res0: u16le });
/** Header of VM_CONSOLE_WRITE and of NOTIFY_VM_CONSOLE_CHARS (where the first field is the sender, `from`). */
export const VM_CONSOLE_CHARS_HEADER = struct('vm_console_chars', { vmid: u16le, num_bytes: u16le });

/** `u16 vmid, u16 num_bytes, bytes[num_bytes]`, length exactly 4 + num_bytes (RM: RM_ERROR_INVALID otherwise). */
export const consoleChars: PayloadCodec<{ vmid: number; chars: Uint8Array }> = {
  size: undefined,
  encode: (v) => guardEncode('console chars', () => {
    checkCount(v.chars.length, 0xffff, 'console num_bytes');
    return new ByteSink().bytes(VM_CONSOLE_CHARS_HEADER.encode({ vmid: v.vmid, num_bytes: v.chars.length })).bytes(v.chars).toBytes();
  }),
  decode: (p) => {
    // RM reads num_bytes from a shorter buffer too (out of bounds); a short payload can never match, so refuse it.
    if (p.length < VM_CONSOLE_CHARS_HEADER.size) return msgInvalid(`console chars need a ${VM_CONSOLE_CHARS_HEADER.size}-byte header, got ${p.length} bytes`);
    const h = VM_CONSOLE_CHARS_HEADER.decode(p);
    if (p.length !== VM_CONSOLE_CHARS_HEADER.size + h.num_bytes) return msgInvalid(`console chars with num_bytes ${h.num_bytes} must be ${VM_CONSOLE_CHARS_HEADER.size + h.num_bytes} bytes, got ${p.length}`);
    return ok({ vmid: h.vmid, chars: p.slice(VM_CONSOLE_CHARS_HEADER.size) });
  },
};

const consoleReq = fixedCodec(VM_CONSOLE_REQ, { ignored: ['res0'] });

export const VM_CONSOLE_OPEN_DEF = defineMessage({
  id: ID.VM_CONSOLE_OPEN, name: 'VM_CONSOLE_OPEN', linuxName: undefined,
  request: consoleReq, reply: EMPTY, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_CONSOLE_CLOSE_DEF = defineMessage({
  id: ID.VM_CONSOLE_CLOSE, name: 'VM_CONSOLE_CLOSE', linuxName: undefined,
  request: consoleReq, reply: EMPTY, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_CONSOLE_WRITE_DEF = defineMessage({
  id: ID.VM_CONSOLE_WRITE, name: 'VM_CONSOLE_WRITE', linuxName: undefined,
  request: consoleChars, reply: EMPTY, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});

export const VM_CONSOLE_FLUSH_DEF = defineMessage({
  id: ID.VM_CONSOLE_FLUSH, name: 'VM_CONSOLE_FLUSH', linuxName: undefined,
  request: consoleReq, reply: EMPTY, hypErrorOnFailure: false, rm: 'handled', precheck: undefined,
});
