import { test } from 'node:test';
import assert from 'node:assert/strict';
import { struct, u8, bytes } from '../binary/struct.js';
import { ByteFifo } from './byte-fifo.js';

const CAPACITY = 4;
/** A guard byte either side shows the FIFO never writes outside its own fields. */
const Layout = struct('fifo-test', { guard0: u8, head: u8, count: u8, data: bytes(CAPACITY), guard1: u8 });
const O = Layout.offsets;

function make() {
  const b = Layout.encode({ guard0: 0xee, guard1: 0xee });
  return { b, fifo: new ByteFifo(b, { head: O.head, count: O.count, data: O.data }, CAPACITY) };
}

test('test layout: head, count and the buffer sit between two guard bytes', () => {
  assert.equal(Layout.size, 3 + CAPACITY + 1);
});

test('first in, first out, wrapping round the buffer; an empty FIFO pops 0', () => {
  const { b, fifo } = make();
  assert.equal(fifo.pop(), 0);
  for (let round = 0; round < 3; round++) {
    assert.equal(fifo.push(10 + round), true);
    assert.equal(fifo.push(20 + round), true);
    assert.equal(fifo.push(30 + round), true);
    assert.equal(fifo.count, 3);
    assert.deepEqual([fifo.pop(), fifo.pop(), fifo.pop()], [10 + round, 20 + round, 30 + round]);
  }
  assert.equal(fifo.count, 0);
  assert.equal(Layout.get(b, 'head'), (3 * 3) % CAPACITY);
  assert.equal(fifo.pop(), 0);
});

test('push refuses a byte when full; pushFrom takes what fits and says how many', () => {
  const { b, fifo } = make();
  assert.equal(fifo.pushFrom(Uint8Array.of(1, 2, 3)), 3);
  assert.equal(fifo.pushFrom(Uint8Array.of(4, 5, 6)), 1);
  assert.equal(fifo.push(7), false);
  assert.equal(fifo.count, CAPACITY);
  assert.deepEqual([fifo.pop(), fifo.pop(), fifo.pop(), fifo.pop()], [1, 2, 3, 4]);
  assert.equal(Layout.get(b, 'guard0'), 0xee);
  assert.equal(Layout.get(b, 'guard1'), 0xee);
});

test('clear empties it and resets the head', () => {
  const { b, fifo } = make();
  fifo.pushFrom(Uint8Array.of(1, 2));
  fifo.pop();
  fifo.clear();
  assert.equal(fifo.count, 0);
  assert.equal(Layout.get(b, 'head'), 0);
  fifo.push(9);
  assert.equal(fifo.pop(), 9);
});

test('the queue is the state bytes: a second FIFO over the same bytes sees it', () => {
  const { b, fifo } = make();
  fifo.pushFrom(Uint8Array.of(5, 6));
  const other = new ByteFifo(b, { head: O.head, count: O.count, data: O.data }, CAPACITY);
  assert.equal(other.pop(), 5);
  assert.equal(fifo.pop(), 6);
});

test('a damaged count or head is clamped and wrapped, never indexing outside the buffer', () => {
  const { b, fifo } = make();
  Layout.set(b, 'data', Uint8Array.of(1, 2, 3, 4));
  Layout.set(b, 'head', 250);
  Layout.set(b, 'count', 200);
  assert.equal(fifo.count, CAPACITY);
  assert.equal(fifo.push(9), false);
  assert.equal(fifo.pop(), 3); // head 250 wraps to slot 2
  assert.equal(Layout.get(b, 'head'), 3);
  assert.equal(Layout.get(b, 'count'), CAPACITY - 1);
  assert.equal(fifo.push(9), true);
  assert.deepEqual(Layout.get(b, 'data'), Uint8Array.of(1, 2, 9, 4));
  assert.equal(Layout.get(b, 'guard0'), 0xee);
  assert.equal(Layout.get(b, 'guard1'), 0xee);
});
