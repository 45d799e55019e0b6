import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rssDelta } from './worker-rss.js';
import type { ProcMemory } from './proc-memory.js';

const mem = (VmRSS: number, RssAnon: number, RssFile: number, RssShmem: number): ProcMemory =>
  ({ VmRSS, RssAnon, RssFile, RssShmem, Pss: 0, guestRss: 0, guestAnon: 0, guestMappings: 0, Threads: 1 });

test('the RSS fields grow by after − before, shared out over `per`', () => {
  assert.deepEqual(rssDelta(mem(100, 60, 40, 0), mem(420, 300, 100, 20), 4), { VmRSS: 80, RssAnon: 60, RssFile: 15, RssShmem: 5 });
  assert.deepEqual(rssDelta(mem(100, 60, 40, 0), mem(90, 50, 40, 0)), { VmRSS: -10, RssAnon: -10, RssFile: 0, RssShmem: 0 });
});
