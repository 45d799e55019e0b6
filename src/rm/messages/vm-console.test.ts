import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RM_ERROR } from '../rm-error.js';
import { decodeRequest, encodeRequest } from './message-catalogue.js';
import * as ID from './message-ids.js';
import { VM_CONSOLE_CHARS_HEADER, VM_CONSOLE_REQ } from './vm-console.js';

test('console requests: OPEN/CLOSE/FLUSH 4 bytes (res0 unchecked), WRITE exactly 4 + num_bytes, no padding', () => {
  assert.deepEqual([VM_CONSOLE_REQ.size, VM_CONSOLE_CHARS_HEADER.size], [4, 4]);
  for (const id of [ID.VM_CONSOLE_OPEN, ID.VM_CONSOLE_CLOSE, ID.VM_CONSOLE_FLUSH]) {
    const r = decodeRequest(id, Uint8Array.from([0x80, 0, 9, 9]));
    assert.deepEqual(r.kind === 'request' && r.fields, { vmid: 0x80, res0: 0x909 });
  }
  assert.deepEqual([...encodeRequest(ID.VM_CONSOLE_WRITE, { vmid: 0, chars: Uint8Array.from([0x41]) })], [0, 0, 1, 0, 0x41]);
  const bad = decodeRequest(ID.VM_CONSOLE_WRITE, Uint8Array.from([0, 0, 2, 0, 0x41]));
  assert.equal(bad.kind === 'invalid' && bad.rmCode, RM_ERROR.MSG_INVALID);
  const short = decodeRequest(ID.VM_CONSOLE_WRITE, Uint8Array.from([0, 0]));
  assert.equal(short.kind === 'invalid' && short.rmCode, RM_ERROR.MSG_INVALID);
});
