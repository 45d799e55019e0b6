import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { SharedState } from '../shared-state.js';
import { rd, wr, recordingWiring } from '../testing.js';
import { Post, PostState, STATE_VERSION } from './post.js';

function make() {
  const wiring = recordingWiring();
  const state = new SharedState(PostState);
  return { dev: new Post(state, wiring), state, wiring };
}

test('layout: u32 write counter and the last code byte', () => {
  assert.equal(PostState.size, 5);
  assert.equal(STATE_VERSION, 1);
});

test('writes are counted and go nowhere; reads float high', () => {
  const { dev, state, wiring } = make();
  wr(dev, 0, 0x12);
  wr(dev, 0, 0x34);
  assert.equal(state.get('writes'), 2);
  assert.equal(state.get('lastCode'), 0x34);
  assert.deepEqual(wiring.events, []);
  assert.deepEqual(wiring.out, []);
  assert.equal(rd(dev, 0), 0xff);
  assert.equal(rd(dev, 0, 2), 0xffff);
});

test('the write counter wraps at 2^32 instead of throwing', () => {
  const { dev, state } = make();
  state.set('writes', 0xffff_ffff);
  wr(dev, 0, 1);
  assert.equal(state.get('writes'), 0);
});

test('save → encode → decode → restore → save is identical', () => {
  const { dev, state } = make();
  wr(dev, 0, 0xaa);
  const saved = state.snapshot();
  const state2 = new SharedState(PostState);
  state2.restore(PostState.decode(PostState.encode(saved)));
  assert.deepEqual(state2.snapshot(), saved);
  assert.deepEqual(saved, { writes: 1, lastCode: 0xaa });
});

test('a worker thread and the main thread drive one device through the shared lock without losing writes', async () => {
  const { dev, state } = make();
  const N = 20_000;
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     (async () => {
       const { SharedState } = await import(workerData.stateUrl);
       const { Post, PostState } = await import(workerData.postUrl);
       const state = new SharedState(PostState, workerData.buffer);
       const dev = new Post(state, {});
       const d = Uint8Array.of(1);
       parentPort.postMessage('ready');
       for (let i = 0; i < workerData.n; i++) state.locked(() => dev.write(0, d));
       parentPort.postMessage('done');
     })();`,
    {
      eval: true,
      workerData: {
        buffer: state.buffer,
        n: N,
        stateUrl: new URL('../shared-state.js', import.meta.url).href,
        postUrl: new URL('./post.js', import.meta.url).href,
      },
    },
  );
  const messages: string[] = [];
  const waitFor = (what: string) =>
    new Promise<void>((resolve, reject) => {
      if (messages.includes(what)) return resolve();
      worker.on('message', (m: string) => m === what && resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited (${code}) before '${what}'`)));
    });
  worker.on('message', (m: string) => messages.push(m));
  const done = waitFor('done');
  await waitFor('ready');
  const d = Uint8Array.of(2);
  for (let i = 0; i < N; i++) state.locked(() => dev.write(0, d));
  await done;
  await worker.terminate();
  assert.equal(state.get('writes'), 2 * N);
});
