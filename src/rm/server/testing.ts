// Test helpers for the RM server (gunyah.md §3): an in-memory link pair that delivers packets synchronously, and
// a client end that sends requests as Linux would and reassembles what RM sends back.

import { fragmentMessage, type RpcMessage } from '../rpc/fragmenter.js';
import { RpcReassembler } from '../rpc/reassembler.js';
import { RM_RPC_MSG_TYPE } from '../rpc/rpc-header.js';
import type { RmLink } from './resource-manager.js';

let nextFakeId = 1_000_000;

/** The server's end: what the client sends arrives through onPacket; what the server sends lands in the client's inbox. */
class FakeServerEnd implements RmLink {
  readonly id: number;
  readonly #client: FakeClient;
  readonly packetHandlers: ((b: Uint8Array) => void)[] = [];
  readonly closeHandlers: (() => void)[] = [];

  constructor(client: FakeClient) {
    this.id = nextFakeId++;
    this.#client = client;
  }

  onPacket(cb: (b: Uint8Array) => void): void {
    this.packetHandlers.push(cb);
  }

  send(b: Uint8Array): void {
    if (this.#client.closed) throw new Error(`fake link ${this.id} is closed`);
    this.#client.packets.push(b.slice());
  }

  onClose(cb: () => void): void {
    this.closeHandlers.push(cb);
  }
}

/** The client's end of a fake link. */
export class FakeClient {
  /** Every packet the server sent, in order. */
  readonly packets: Uint8Array[] = [];
  readonly server: RmLink;
  closed = false;
  #nextSeq = 1;
  readonly #end: FakeServerEnd;

  constructor() {
    this.#end = new FakeServerEnd(this);
    this.server = this.#end;
  }

  /** Delivers one raw packet to the server, as the transport would (synchronously). */
  sendPacket(packet: Uint8Array): void {
    for (const cb of this.#end.packetHandlers) cb(packet.slice());
  }

  /** Sends a whole request (fragmented as RM's peers do) and returns its sequence number. */
  request(msgId: number, payload: Uint8Array = new Uint8Array(0), seq: number = this.#takeSeq()): number {
    for (const p of fragmentMessage({ type: RM_RPC_MSG_TYPE.REQUEST, seq, msgId, payload })) this.sendPacket(p);
    return seq;
  }

  /** Takes every packet received so far and reassembles them into messages. */
  drain(): RpcMessage[] {
    const r = new RpcReassembler();
    const out: RpcMessage[] = [];
    for (const p of this.packets.splice(0)) {
      for (const ev of r.push(p)) {
        if (ev.kind === 'message') out.push(ev.message);
        else throw new Error(`the server sent a packet a client cannot reassemble: ${ev.reason} (${ev.detail})`);
      }
    }
    if (r.inProgress) throw new Error('the server left a message unfinished');
    return out;
  }

  /** Takes the raw packets received so far. */
  drainPackets(): Uint8Array[] {
    return this.packets.splice(0);
  }

  /** The transport closing: the server's onClose handlers run. */
  close(): void {
    this.closed = true;
    for (const cb of this.#end.closeHandlers) cb();
  }

  #takeSeq(): number {
    const s = this.#nextSeq;
    this.#nextSeq = (s + 1) & 0xffff;
    return s;
  }
}

/** A client end whose `server` is to be attached to a ResourceManager. */
export function fakeLink(): FakeClient {
  return new FakeClient();
}

/** Space-separated hex bytes ("21 02 0700 ...", spaces anywhere) as bytes: for golden vectors written by hand. */
export function hexBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`not hex bytes: ${text}`);
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => parseInt(clean.slice(2 * i, 2 * i + 2), 16));
}

export function toHex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}
