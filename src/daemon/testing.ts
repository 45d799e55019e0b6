// Test and bench helpers for a running daemon: RM RPC packets built field by field from the 8-byte header
// (gunyah.md §3.1), a client that waits for the reply to its own seq, and GETs over api.sock.

import { request } from 'node:http';
import { RM_RPC_HEADER, RM_RPC_HEADER_SIZE, RM_RPC_MSG_TYPE } from '../rm/rpc/rpc-header.js';
import { connectSeqpacket } from '../rm/transport/seqpacket-client.js';
import type { SeqpacketConnection } from '../rm/transport/seqpacket-connection.js';
import { within } from '../rm/transport/testing.js';

/** Header byte 0 of every valid packet: header_words 2 (bits 7:4), api_version 1 (bits 3:0). */
export const API_BYTE = 0x21;

/** One single-fragment request packet: header (api 0x21, type REQUEST, no continuations, seq, msg id) + payload. */
export function requestPacket(msgId: number, seq: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(RM_RPC_HEADER_SIZE + payload.length);
  RM_RPC_HEADER.encode({ api: API_BYTE, type_fragments: RM_RPC_MSG_TYPE.REQUEST, seq_num: seq, msg_id: msgId }, out);
  out.set(payload, RM_RPC_HEADER_SIZE);
  return out;
}

export interface ReplyPacket {
  readonly header: ReturnType<typeof RM_RPC_HEADER.decode>;
  /** The RM error code (the reply payload's first u32). */
  readonly err: number;
  /** What follows the error code. */
  readonly data: Uint8Array;
  readonly bytes: Uint8Array;
}

export function readReply(bytes: Uint8Array): ReplyPacket {
  const header = RM_RPC_HEADER.decode(bytes);
  const payload = bytes.subarray(RM_RPC_HEADER_SIZE);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { header, err: payload.length >= 4 ? view.getUint32(0, true) : -1, data: payload.subarray(4), bytes };
}

/** An RM RPC client that sends single-fragment requests and matches replies by seq. */
export class RmTestClient {
  readonly connection: SeqpacketConnection;
  readonly #waiting = new Map<number, (r: ReplyPacket) => void>();
  /** Packets that matched no request (notifications, replies to someone else's seq). */
  readonly others: Uint8Array[] = [];
  #seq = 0;

  private constructor(connection: SeqpacketConnection) {
    this.connection = connection;
    connection.onPacket((b) => {
      const type_fragments = b.length >= RM_RPC_HEADER_SIZE ? RM_RPC_HEADER.get(b, 'type_fragments') : -1;
      const seq = b.length >= RM_RPC_HEADER_SIZE ? RM_RPC_HEADER.get(b, 'seq_num') : -1;
      const waiter = type_fragments === RM_RPC_MSG_TYPE.REPLY ? this.#waiting.get(seq) : undefined;
      if (waiter === undefined) {
        this.others.push(b);
        return;
      }
      this.#waiting.delete(seq);
      waiter(readReply(b));
    });
  }

  static async connect(path: string): Promise<RmTestClient> {
    return new RmTestClient(await connectSeqpacket(path));
  }

  /** Sends one request and waits (a few seconds at most) for the reply with its seq. */
  request(msgId: number, payload?: Uint8Array, ms?: number): Promise<ReplyPacket> {
    this.#seq = (this.#seq + 1) & 0xffff;
    const seq = this.#seq;
    const reply = new Promise<ReplyPacket>((done) => this.#waiting.set(seq, done));
    this.connection.send(requestPacket(msgId, seq, payload));
    return within(reply, `the reply to 0x${msgId.toString(16)} seq ${seq}`, ms);
  }

  close(): void {
    this.connection.close();
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** GET `path` on the Unix socket `socketPath`; the body parsed as JSON. */
export function apiGet(socketPath: string, path: string): Promise<HttpAnswer> {
  return within(new Promise((done, fail) => {
    request({ socketPath, path, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('error', fail);
      res.on('end', () => {
        try {
          done({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch (e) {
          fail(new Error(`GET ${path} answered ${res.statusCode} with something that is not JSON: ${text.slice(0, 200)}`, { cause: e }));
        }
      });
    }).on('error', fail).end();
  }), `GET ${path} on ${socketPath}`);
}
