// The RM server over the real SOCK_SEQPACKET transport (gunyah.md §3): two host clients on one socket, a request
// answered byte for byte, a notification to both, and a client that goes away leaving its VM.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fragmentMessage } from '../rpc/fragmenter.js';
import { RM_RPC_MSG_TYPE } from '../rpc/rpc-header.js';
import { connectSeqpacket } from '../transport/seqpacket-client.js';
import type { SeqpacketConnection } from '../transport/seqpacket-connection.js';
import { listenSeqpacket } from '../transport/seqpacket-server.js';
import { Inbox, tempDir, within } from '../transport/testing.js';
import { ResourceManager } from './resource-manager.js';
import type { RmServerEvent } from './rm-server-event.js';
import { hexBytes, toHex } from './testing.js';

function send(c: SeqpacketConnection, msgId: number, payloadHex: string, seq: number): void {
  for (const p of fragmentMessage({ type: RM_RPC_MSG_TYPE.REQUEST, seq, msgId, payload: hexBytes(payloadHex) })) c.send(p);
}

const norm = (hex: string): string => toHex(hexBytes(hex));

test('over a real socket: ALLOCATE, a notification to both clients, and a VM that outlives its client', async () => {
  const dir = tempDir();
  const events: RmServerEvent[] = [];
  const rm = new ResourceManager({ onEvent: (e) => events.push(e) });
  const server = await listenSeqpacket(join(dir, 'rm.sock'));
  const closed = new Promise<void>((done) => {
    server.onConnection((c) => {
      rm.attach(c);
      c.onClose(() => done());
    });
  });
  const a = await connectSeqpacket(server.path);
  const b = await connectSeqpacket(server.path);
  try {
    const inboxA = new Inbox(a);
    const inboxB = new Inbox(b);
    send(a, 0x5600_0001, '0000 0000', 0x1234);
    assert.deepEqual((await inboxA.upTo(1, 'the VM_ALLOCATE reply')).map(toHex), [norm('21 02 3412 01000056 00000000 80000000')]);

    send(b, 0x5600_0009, '8000 0000 05000000' + '00'.repeat(32), 0x0042);
    const toB = await inboxB.upTo(2, 'the notification and the CONFIG_IMAGE reply');
    const toA = await inboxA.upTo(2, 'the notification to the other client');
    const seqs = [toA[1]!, toB[0]!].map((p) => p[2]! | (p[3]! << 8)).sort();
    assert.deepEqual(seqs, [0, 1], 'each copy takes the next notification seq');
    for (const p of [toA[1]!, toB[0]!]) assert.equal(toHex(p.subarray(4)), norm('08001056 8000 0000 08 00 0000'));
    assert.equal(toHex(toB[1]!), norm('21 02 4200 09000056 0a000000'));

    a.close();
    await within(closed, 'the server to see a client close');
    // The RM's close handler was registered first, so it has run.
    assert.ok(events.some((e) => e.kind === 'link-closed'));
    assert.equal(rm.get(0x80)?.status, 'INIT_FAILED', 'the VM outlives the client that allocated it');
    send(b, 0x5600_0017, '8000 0000', 7);
    assert.equal(toHex((await inboxB.upTo(3, 'the VM_GET_STATE reply'))[2]!), norm('21 02 0700 17000056 00000000 08 00 0000'));
  } finally {
    a.close();
    b.close();
    rm.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
