// The RM server over fake links. Expected packets are written by hand from gunyah.md §3.1 (byte 0 0x21, byte 1
// num_fragments << 2 | type: 02 REPLY, 03 NOTIFICATION; seq and msg_id little-endian), §4.1 and §4.2 layouts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceManager, type RmLink } from './resource-manager.js';
import type { RmServerEvent } from './rm-server-event.js';
import { fakeLink, hexBytes, toHex, type FakeClient } from './testing.js';

/** GUIDs 10 11 .. 1f, then 20 21 .. 2f, ...: HLOS takes the first at construction. */
function countingGuids(): () => Uint8Array {
  let n = 1;
  return () => {
    n++;
    return Uint8Array.from({ length: 16 }, (_, i) => n * 16 - 16 + i);
  };
}

function setup(): { rm: ResourceManager; host: FakeClient; events: RmServerEvent[] } {
  const events: RmServerEvent[] = [];
  const rm = new ResourceManager({ onEvent: (e) => events.push(e), randomGuid: countingGuids() });
  const host = fakeLink();
  rm.attach(host.server);
  return { rm, host, events };
}

/** Sends one request (payload as hex) with `seq` and returns every packet the client received, as hex. */
function exchange(client: FakeClient, msgId: number, payloadHex: string, seq: number): string[] {
  client.request(msgId, hexBytes(payloadHex), seq);
  return client.drainPackets().map(toHex);
}

const norm = (hex: string): string => toHex(hexBytes(hex));
const expect = (...packets: string[]): string[] => packets.map(norm);

test('a golden reply for every handled message id, walking one VM from ALLOCATE to DEALLOCATE', () => {
  const { host } = setup();
  // VM_HOST_GET_TYPE: u32 0x01000164.
  assert.deepEqual(exchange(host, 0x5600_00a0, '', 0x0001), expect('21 02 0100 a0000056 00000000 64010001'));
  // VM_GET_VMID: the caller, HLOS (3).
  assert.deepEqual(exchange(host, 0x5600_0024, '', 0x0002), expect('21 02 0200 24000056 00000000 03000000'));
  // VM_GET_OWNER: HLOS is owned by RM (0xff).
  assert.deepEqual(exchange(host, 0x5600_0015, '', 0x0003), expect('21 02 0300 15000056 00000000 ff000000'));
  // VM_GET_ID(0 = self): n_ids 1, {type GUID 0, pad, len 16, guid}.
  assert.deepEqual(exchange(host, 0x5600_0010, '0000 0000', 0x0004), expect('21 02 0400 10000056 00000000 01000000 00 00 1000 101112131415161718191a1b1c1d1e1f'));
  // VM_GET_HYP_RESOURCES(HLOS): HLOS has a vm_config and no resources for itself: n 0.
  assert.deepEqual(exchange(host, 0x5600_0020, '0300 0000', 0x0005), expect('21 02 0500 20000056 00000000 00000000'));
  // VM_ALLOCATE(0): the first dynamic VMID, 0x80, as a u32; no notification.
  assert.deepEqual(exchange(host, 0x5600_0001, '0000 0000', 0x0006), expect('21 02 0600 01000056 00000000 80000000'));
  // VM_GET_PEERS: HLOS is now a peer of 0x80.
  assert.deepEqual(exchange(host, 0x5600_0025, '', 0x0007), expect('21 02 0700 25000056 00000000 01000000 80000000'));
  // VM_GET_STATE(0x80): LOAD (5), os NONE, app 0.
  assert.deepEqual(exchange(host, 0x5600_0017, '8000 0000', 0x0008), expect('21 02 0800 17000056 00000000 05 00 0000'));
  // VM_GET_ID(0x80) before READY: VM_STATE (0x14).
  assert.deepEqual(exchange(host, 0x5600_0010, '8000 0000', 0x0009), expect('21 02 0900 10000056 14000000'));
  // VM_GET_HYP_RESOURCES(0x80) before CONFIG_IMAGE: NORESOURCE (2).
  assert.deepEqual(exchange(host, 0x5600_0020, '8000 0000', 0x000a), expect('21 02 0a00 20000056 02000000'));
  // VM_GET_CRASH_MSG(0x80) by its owner: len 0, pad.
  assert.deepEqual(exchange(host, 0x5600_0019, '8000 0000', 0x000b), expect('21 02 0b00 19000056 00000000 0000 0000'));
  // VM_START / VM_STOP(force) / VM_AUTH_IMAGE / VM_INIT in LOAD: VM_STATE.
  assert.deepEqual(exchange(host, 0x5600_0004, '8000 0000', 0x000c), expect('21 02 0c00 04000056 14000000'));
  assert.deepEqual(exchange(host, 0x5600_0005, '8000 01 00 03000000', 0x000d), expect('21 02 0d00 05000056 14000000'));
  assert.deepEqual(exchange(host, 0x5600_000a, '8000 0000', 0x000e), expect('21 02 0e00 0a000056 14000000'));
  assert.deepEqual(exchange(host, 0x5600_000b, '8000 0000', 0x000f), expect('21 02 0f00 0b000056 14000000'));
  // VM_EXIT from HLOS (critical, treated as crash-fatal): ARGUMENT_INVALID (6).
  assert.deepEqual(exchange(host, 0x5600_0085, '0000 00 00', 0x0010), expect('21 02 1000 85000056 06000000'));
  // VM_SET_STATUS from HLOS, not a static secondary VM: DENIED (3).
  assert.deepEqual(exchange(host, 0x5600_0080, '00 04 0700', 0x0011), expect('21 02 1100 80000056 03000000'));
  // VM_SET_CRASH_MSG "hi" (len 2, pad, 'h' 'i', zero pad to 4): std OK.
  assert.deepEqual(exchange(host, 0x5600_0086, '0200 0000 6869 0000', 0x0012), expect('21 02 1200 86000056 00000000'));
  // VM_CONFIG_IMAGE(0x80, auth NONE, mem_handle 5, dtb at 0x45f0000 + 0x1000): no parcel is shared with the VM, so
  // MEM_INVALID (0xa) and INIT_FAILED (8), whose NOTIFY_VM_STATUS (RM's first notification: seq 0) goes first.
  assert.deepEqual(
    exchange(host, 0x5600_0009, '8000 0000 05000000 0000000000000000 0000000000000000 00005f0400000000 0010000000000000', 0x0013),
    expect('21 03 0000 08001056 8000 0000 08 00 0000', '21 02 1300 09000056 0a000000'),
  );
  // VM_DEALLOCATE from INIT_FAILED: VM_STATE.
  assert.deepEqual(exchange(host, 0x5600_0002, '8000 0000', 0x0014), expect('21 02 1400 02000056 14000000'));
  // VM_RESET: RESETTING (0xa) notified, the reply, then the stages run to RESET (0xb), notified before HLOS stops being a peer.
  assert.deepEqual(
    exchange(host, 0x5600_0006, '8000 0000', 0x0015),
    expect('21 03 0100 08001056 8000 0000 0a 00 0000', '21 02 1500 06000056 00000000', '21 03 0200 08001056 8000 0000 0b 00 0000'),
  );
  // VM_GET_PEERS: reset deregistered the peers.
  assert.deepEqual(exchange(host, 0x5600_0025, '', 0x0016), expect('21 02 1600 25000056 00000000 00000000'));
  // VM_DEALLOCATE from RESET: OK.
  assert.deepEqual(exchange(host, 0x5600_0002, '8000 0000', 0x0017), expect('21 02 1700 02000056 00000000'));
  // VM_GET_HYP_CAPIDS has no handler ("FIXME v2"): UNIMPLEMENTED.
  assert.deepEqual(exchange(host, 0x5600_0021, '8000 0000', 0x0018), expect('21 02 1800 21000056 ffffffff'));
});

test('requests from VM links: SET_STATUS from a static secondary VM, SET_CRASH_MSG read back by the owner, VM_EXIT', () => {
  const { rm, host } = setup();
  // VM_ALLOCATE(5): a specific secondary VMID gets the std reply.
  assert.deepEqual(exchange(host, 0x5600_0001, '0500 0000', 0x0100), expect('21 02 0001 01000056 00000000'));
  const vm5 = fakeLink();
  rm.attach(vm5.server, 5);
  // VM_SET_STATUS(os RUN 4, app 7): NOTIFY_VM_STATUS {vmid 5, LOAD, RUN, 7} to HLOS; the std reply to VM 5.
  vm5.request(0x5600_0080, hexBytes('00 04 0700'), 0x0200);
  assert.deepEqual(host.drainPackets().map(toHex), expect('21 03 0000 08001056 0500 0000 05 04 0700'));
  assert.deepEqual(vm5.drainPackets().map(toHex), expect('21 02 0002 80000056 00000000'));
  assert.deepEqual(rm.get(5), { vmid: 5, owner: 3, status: 'LOAD', osStatus: 'RUN', appStatus: 7 });
  // os_status 0 keeps RUN; app_status changes.
  vm5.request(0x5600_0080, hexBytes('00 00 0900'), 0x0201);
  assert.deepEqual(host.drainPackets().map(toHex), expect('21 03 0100 08001056 0500 0000 05 04 0900'));
  vm5.drainPackets();

  // VM_SET_CRASH_MSG from VM 5: "oops"; its owner reads it back.
  assert.deepEqual(exchange(vm5, 0x5600_0086, '0400 0000 6f6f7073', 0x0202), expect('21 02 0202 86000056 00000000'));
  assert.deepEqual(exchange(host, 0x5600_0019, '0500 0000', 0x0101), expect('21 02 0101 19000056 00000000 0400 0000 6f6f7073'));
  // Not the owner: VMID_INVALID (0xd).
  assert.deepEqual(exchange(vm5, 0x5600_0019, '0500 0000', 0x0203), expect('21 02 0302 19000056 0d000000'));
  // VM_GET_STATE(0 = self) from VM 5; VM 5 asking about HLOS: not self, owner or peer... HLOS is its peer.
  assert.deepEqual(exchange(vm5, 0x5600_0017, '0000 0000', 0x0204), expect('21 02 0402 17000056 00000000 05 04 0900'));
  assert.deepEqual(exchange(vm5, 0x5600_0017, '0300 0000', 0x0205), expect('21 02 0502 17000056 00000000 03 00 0000'));
  // VM_GET_OWNER / VM_GET_VMID / VM_GET_PEERS from VM 5.
  assert.deepEqual(exchange(vm5, 0x5600_0015, '', 0x0206), expect('21 02 0602 15000056 00000000 03000000'));
  assert.deepEqual(exchange(vm5, 0x5600_0024, '', 0x0207), expect('21 02 0702 24000056 00000000 05000000'));
  assert.deepEqual(exchange(vm5, 0x5600_0025, '', 0x0208), expect('21 02 0802 25000056 00000000 01000000 03000000'));
  // VM_EXIT(NORMAL) from a VM in LOAD: it cannot enter EXITED: VM_STATE; nothing is notified.
  assert.deepEqual(exchange(vm5, 0x5600_0085, '0000 00 00', 0x0209), expect('21 02 0902 85000056 14000000'));
  assert.deepEqual(host.drainPackets(), []);
  // VM_EXIT with exit_code UNKNOWN_ERROR (2): MSG_INVALID (4).
  assert.deepEqual(exchange(vm5, 0x5600_0085, '0000 02 00', 0x020a), expect('21 02 0a02 85000056 04000000'));
  // VM_ALLOCATE from a VM: DENIED.
  assert.deepEqual(exchange(vm5, 0x5600_0001, '0000 0000', 0x020b), expect('21 02 0b02 01000056 03000000'));
});

test('ALLOCATE(0) -> GET_STATE (LOAD) -> CONFIG_IMAGE (MEM_INVALID) -> DEALLOCATE refused, then RESET -> DEALLOCATE', () => {
  const { rm, host, events } = setup();
  const dec = (m: { payload: Uint8Array }): string => toHex(m.payload);
  host.request(0x5600_0001, hexBytes('0000 0000'));
  assert.deepEqual(host.drain().map(dec), [norm('00000000 80000000')]);
  assert.deepEqual(rm.list(), [{ vmid: 0x80, owner: 3, status: 'LOAD', osStatus: 'NONE', appStatus: 0 }]);
  host.request(0x5600_0017, hexBytes('8000 0000'));
  assert.deepEqual(host.drain().map(dec), [norm('00000000 05000000')]);
  const configImage = hexBytes('8000 0000 07000000' + '00'.repeat(16) + '0000000000000000 0010000000000000');
  host.request(0x5600_0009, configImage);
  const [status, reply] = host.drain();
  assert.equal(status?.type, 3);
  assert.equal(reply?.type, 2);
  assert.equal(dec(reply!), norm('0a000000'), 'MEM_INVALID: no memory parcel is shared with the VM');
  assert.equal(rm.get(0x80)?.status, 'INIT_FAILED');
  host.request(0x5600_0002, hexBytes('8000 0000'));
  assert.deepEqual(host.drain().map(dec), [norm('14000000')], 'an INIT_FAILED VM must be reset before it is deallocated');
  host.request(0x5600_0006, hexBytes('8000 0000'));
  assert.deepEqual(host.drain().map((m) => [m.type, dec(m)]), [[3, norm('8000 0000 0a 00 0000')], [2, norm('00000000')], [3, norm('8000 0000 0b 00 0000')]]);
  host.request(0x5600_0002, hexBytes('8000 0000'));
  assert.deepEqual(host.drain().map(dec), [norm('00000000')]);
  assert.deepEqual(rm.list(), []);
  assert.equal(rm.get(0x80), undefined);
  // The VMID is free again.
  host.request(0x5600_0001, hexBytes('0000 0000'));
  assert.deepEqual(host.drain().map(dec), [norm('00000000 80000000')]);

  const summary = events.filter((e) => e.kind.startsWith('vm-')).map((e) => (e.kind === 'vm-status' ? `status ${e.status}` : e.kind));
  assert.deepEqual(summary, ['vm-allocated', 'status INIT_FAILED', 'status RESETTING', 'status RESET', 'vm-deallocated', 'vm-allocated']);
  const refused = events.filter((e) => e.kind === 'request-refused').map((e) => (e.kind === 'request-refused' ? e.reason : ''));
  assert.deepEqual(refused, ['MEM_INVALID', 'VM_STATE']);
});

test('NOTIFY_VM_STATUS goes to every host link (each copy its own seq); the reply only to the asker; not to non-peers', () => {
  const { rm, host } = setup();
  const other = fakeLink();
  rm.attach(other.server);
  host.request(0x5600_0001, hexBytes('0000 0000'), 0x0001);
  host.drainPackets();
  const vm = fakeLink();
  rm.attach(vm.server, 0x80);
  host.request(0x5600_0009, hexBytes('8000 0000 05000000' + '00'.repeat(32)), 0x0002);
  assert.deepEqual(host.drainPackets().map(toHex), expect('21 03 0000 08001056 8000 0000 08 00 0000', '21 02 0200 09000056 0a000000'));
  assert.deepEqual(other.drainPackets().map(toHex), expect('21 03 0100 08001056 8000 0000 08 00 0000'));
  assert.deepEqual(vm.drainPackets(), [], 'a VM is not its own peer');
});

test('a link that closes leaves its VMs; another host link manages them; notifications skip the closed link', () => {
  const { rm, host, events } = setup();
  const other = fakeLink();
  rm.attach(other.server);
  host.request(0x5600_0001, hexBytes('0000 0000'));
  host.drainPackets();
  host.close();
  assert.ok(events.some((e) => e.kind === 'link-closed' && e.link === host.server.id));
  assert.equal(rm.get(0x80)?.status, 'LOAD');
  other.request(0x5600_0009, hexBytes('8000 0000 05000000' + '00'.repeat(32)), 9);
  assert.deepEqual(other.drain().map((m) => m.type), [3, 2]);
  other.request(0x5600_0006, hexBytes('8000 0000'), 10);
  other.request(0x5600_0002, hexBytes('8000 0000'), 11);
  assert.deepEqual(other.drain().map((m) => [m.type, toHex(m.payload).slice(0, 11)]), [[3, '80 00 00 00'], [2, '00 00 00 00'], [3, '80 00 00 00'], [2, '00 00 00 00']]);
  assert.deepEqual(rm.list(), []);
  assert.equal(events.filter((e) => e.kind === 'notification-dropped').length, 0, 'the closed link is detached, not sent to');
});

test('garbage never throws, is dropped as RM drops it, and the link keeps working', () => {
  const { host, events } = setup();
  const hostId = host.server.id;
  host.sendPacket(new Uint8Array(0));
  host.sendPacket(hexBytes('21 01 00'));
  host.sendPacket(hexBytes('11 01 0100 24000056')); // header_words 1
  host.sendPacket(hexBytes('22 01 0100 24000056')); // api_version 2
  host.sendPacket(hexBytes('21 fd 0100 24000056')); // 63 continuations
  host.sendPacket(hexBytes('21 00 0100 24000056')); // a stray continuation
  host.sendPacket(new Uint8Array(241).fill(0x21)); // longer than a message-queue message
  host.sendPacket(hexBytes('21 02 0100 24000056 00000000')); // a REPLY from the client
  host.sendPacket(hexBytes('21 03 0100 08001056 8000 0000 05 00 0000')); // a NOTIFICATION from the client
  host.sendPacket(hexBytes('21 05 0100 86000056 0000')); // a request announcing one continuation...
  host.sendPacket(hexBytes('21 00 0200 86000056 0000')); // ...a continuation of another seq (dropped)...
  assert.deepEqual(host.drainPackets(), []);
  // ...and a new request, which discards the unfinished one and is answered.
  assert.deepEqual(exchange(host, 0x5600_0024, '', 0x0003), expect('21 02 0300 24000056 00000000 03000000'));
  // A request with a wrong length: MSG_INVALID (4).
  assert.deepEqual(exchange(host, 0x5600_0024, '00000000', 0x0004), expect('21 02 0400 24000056 04000000'));
  assert.deepEqual(exchange(host, 0x5600_0017, '80', 0x0005), expect('21 02 0500 17000056 04000000'));
  // VM_EXIT: the length is checked before the crash-fatal refusal.
  assert.deepEqual(exchange(host, 0x5600_0085, '000000', 0x0006), expect('21 02 0600 85000056 04000000'));
  // Unknown ids and msg_id 0: UNIMPLEMENTED; ids RM defines but does not implement: UNIMPLEMENTED.
  assert.deepEqual(exchange(host, 0, '', 0x0007), expect('21 02 0700 00000000 ffffffff'));
  assert.deepEqual(exchange(host, 0x5600_0031, '8000 01 00 00000000 0000008000000000', 0x0008), expect('21 02 0800 31000056 ffffffff'));
  const drops = events.filter((e) => e.kind === 'packet-dropped' || e.kind === 'message-dropped').map((e) => ('reason' in e ? e.reason : ''));
  assert.deepEqual(drops, ['too-short', 'too-short', 'bad-header-words', 'bad-api-version', 'too-many-fragments', 'stray-continuation', 'too-long', 'not-a-request', 'not-a-request', 'mismatched-continuation', 'partial-discarded']);
  assert.ok(events.every((e) => !('link' in e) || e.link === hostId));
  assert.ok(!events.some((e) => e.kind === 'request-failed'));
});

test('a multi-fragment request is reassembled; a long reply is fragmented; VMIDs run out with NORESOURCE', () => {
  const { rm, host } = setup();
  for (let i = 0; i < 63; i++) host.request(0x5600_0001, hexBytes('0000 0000'));
  host.request(0x5600_0001, hexBytes('0000 0000'), 0x0777);
  const replies = host.drain();
  assert.equal(replies.length, 64);
  assert.equal(toHex(replies[62]!.payload), norm('00000000 be000000'), 'the last dynamic VMID is 0xbe');
  assert.deepEqual([replies[63]!.seq, toHex(replies[63]!.payload)], [0x0777, norm('02000000')]);
  assert.equal(rm.list().length, 63);

  // GET_PEERS: 4 + 4 + 63 * 4 = 260 bytes: a first fragment of 232 and one continuation.
  host.request(0x5600_0025, new Uint8Array(0), 0x0888);
  const packets = host.drainPackets();
  assert.deepEqual(packets.map((p) => [p.length, toHex(p.subarray(0, 8))]), [
    [240, norm('21 06 8808 25000056')],
    [8 + 28, norm('21 04 8808 25000056')],
  ]);
  host.packets.push(...packets);
  const [peers] = host.drain();
  assert.equal(peers!.payload.length, 260);

  // SET_CRASH_MSG of 300 bytes from VM 0x80 (two fragments); the owner reads back the first 192.
  const vm = fakeLink();
  rm.attach(vm.server, 0x80);
  const msg = Uint8Array.from({ length: 300 }, (_, i) => 0x41 + (i % 26));
  const payload = new Uint8Array(304);
  payload.set([0x2c, 0x01]);
  payload.set(msg, 4);
  vm.request(0x5600_0086, payload, 1);
  assert.deepEqual(vm.drain().map((m) => toHex(m.payload)), [norm('00000000')]);
  host.request(0x5600_0019, hexBytes('8000 0000'), 2);
  const [crash] = host.drain();
  assert.deepEqual(crash!.payload.subarray(0, 8), hexBytes('00000000 c000 0000'));
  assert.deepEqual(crash!.payload.subarray(8), msg.subarray(0, 192));
});

test('the hypervisor may send only VM_START (DENIED); anything else is ignored as unknown (UNIMPLEMENTED)', () => {
  const { rm } = setup();
  const hyp = fakeLink();
  rm.attach(hyp.server, 0);
  assert.deepEqual(exchange(hyp, 0x5600_0004, '8000 0000', 1), expect('21 02 0100 04000056 03000000'));
  assert.deepEqual(exchange(hyp, 0x5600_0024, '', 2), expect('21 02 0200 24000056 ffffffff'));
  assert.deepEqual(exchange(hyp, 0x5600_0001, '0000 0000', 3), expect('21 02 0300 01000056 ffffffff'));
});

test('a link whose send throws, an onEvent that throws: the server goes on and reports what it could not send', () => {
  const events: RmServerEvent[] = [];
  const rm = new ResourceManager({ onEvent: (e) => events.push(e) });
  let handler: ((b: Uint8Array) => void) | undefined;
  const broken: RmLink = {
    id: 7,
    onPacket: (cb) => { handler = cb; },
    send: () => { throw new Error('peer gone'); },
    onClose: () => {},
  };
  rm.attach(broken);
  const good = fakeLink();
  rm.attach(good.server);
  handler!(hexBytes('21 01 0100 01000056 0000 0000'));
  assert.ok(events.some((e) => e.kind === 'reply-dropped' && e.link === 7 && e.detail.includes('peer gone')));
  good.request(0x5600_0009, hexBytes('8000 0000 05000000' + '00'.repeat(32)));
  assert.ok(events.some((e) => e.kind === 'notification-dropped' && e.link === 7));
  assert.deepEqual(good.drain().map((m) => m.type), [3, 2], 'the working link got its notification and reply');

  const throwing = new ResourceManager({ onEvent: () => { throw new Error('logger broke'); } });
  const c = fakeLink();
  throwing.attach(c.server);
  // The first failure becomes one process warning; nothing reaches the link.
  c.sendPacket(new Uint8Array(3));
  assert.deepEqual(exchange(c, 0x5600_0024, '', 1), expect('21 02 0100 24000056 00000000 03000000'));
});

test('a handler that throws is answered DENIED and leaves nothing half-done (the claimed VMID is given back)', () => {
  const events: RmServerEvent[] = [];
  let calls = 0;
  const rm = new ResourceManager({
    onEvent: (e) => events.push(e),
    randomGuid: () => {
      calls++;
      if (calls === 2) throw new Error('no entropy');
      return new Uint8Array(16);
    },
  });
  const host = fakeLink();
  rm.attach(host.server);
  assert.deepEqual(exchange(host, 0x5600_0001, '0000 0000', 1), expect('21 02 0100 01000056 03000000'));
  assert.ok(events.some((e) => e.kind === 'request-failed' && e.reason === 'handler-threw' && e.detail.includes('no entropy')));
  assert.deepEqual(rm.list(), []);
  assert.deepEqual(exchange(host, 0x5600_0001, '0000 0000', 2), expect('21 02 0200 01000056 00000000 80000000'));
});

test('attach refuses misuse; close() stops serving and keeps the table', () => {
  const { rm, host } = setup();
  assert.throws(() => rm.attach(host.server), { name: 'RmServerError', code: 'ALREADY_ATTACHED' });
  assert.throws(() => rm.attach(fakeLink().server, 0x1_0000), { name: 'RmServerError', code: 'INVALID_CALLER' });
  assert.throws(() => rm.attach(fakeLink().server, 1.5), { name: 'RmServerError', code: 'INVALID_CALLER' });
  host.request(0x5600_0001, hexBytes('0000 0000'));
  host.drainPackets();
  rm.close();
  rm.close();
  host.request(0x5600_0024);
  assert.deepEqual(host.drainPackets(), [], 'a closed RM answers nothing');
  assert.equal(rm.list().length, 1);
  assert.equal(rm.get(3), undefined, 'HLOS is not one of the listed VMs');
  assert.throws(() => rm.attach(fakeLink().server), { name: 'RmServerError', code: 'CLOSED' });
});

test('notification sequence numbers are one u16 counter that wraps', () => {
  const { rm, host } = setup();
  const vm5 = fakeLink();
  host.request(0x5600_0001, hexBytes('0500 0000'));
  rm.attach(vm5.server, 5);
  host.drainPackets();
  const seqs: number[] = [];
  for (let i = 0; i < 0x10002; i++) {
    vm5.request(0x5600_0080, hexBytes('00 00 0100'));
    vm5.packets.length = 0;
    const p = host.packets.pop()!;
    host.packets.length = 0;
    if (i < 2 || i >= 0xffff) seqs.push(p[2]! | (p[3]! << 8));
  }
  assert.deepEqual(seqs, [0, 1, 0xffff, 0, 1]);
});
