import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcMemory, parseCpuTicks } from './proc-memory.js';

const STATUS = ['Name:\tnode', 'VmRSS:\t   69772 kB', 'RssAnon:\t   24584 kB', 'RssFile:\t   44480 kB', 'RssShmem:\t     708 kB', 'Threads:\t13', ''].join('\n');

const mapping = (header: string, sizeKb: number, rssKb: number, pssKb: number, anonKb = 0): string =>
  [header, `Size:           ${sizeKb} kB`, 'KernelPageSize:        4 kB', `Rss:            ${rssKb} kB`, `Pss:            ${pssKb} kB`, 'Pss_Dirty:        0 kB',
    'Pss_Anon:        0 kB', `Anonymous:      ${anonKb} kB`, 'AnonHugePages:         0 kB'].join('\n');

const SMAPS = [
  mapping('7f3efc000000-7f3f0c000000 rw-s 00000000 00:01 156 /memfd:bothy-guest-ram (deleted)', 262144, 708, 708),
  mapping('7f3f2303f000-7f3f42e00000 ---p 00000000 00:00 0', 521988, 0, 0),
  mapping('55d0c0000000-55d0c5000000 r-xp 00000000 08:01 42 /usr/bin/node', 81920, 40000, 20000),
].join('\n');

test('status fields, total Pss, and the guest RAM mapping picked out by its size', () => {
  const m = parseProcMemory(STATUS, SMAPS, 256 * 1024);
  assert.deepEqual(m, { VmRSS: 69772, RssAnon: 24584, RssFile: 44480, RssShmem: 708, Pss: 20708, guestRss: 708, guestAnon: 0, guestMappings: 1, Threads: 13 });
});

test('copy-on-write pages of private guest mappings: Anonymous of exactly those mappings', () => {
  const clones = [
    mapping('7f0000000000-7f0010000000 rw-p 00000000 08:01 77 /tmp/snap/memory', 262144, 900, 450, 120),
    mapping('7f0010000000-7f0020000000 rw-p 00000000 08:01 77 /tmp/snap/memory', 262144, 800, 400, 100),
    mapping('7f0020000000-7f0020100000 rw-p 00000000 00:00 0', 1024, 64, 64, 64),
  ].join('\n');
  const m = parseProcMemory(STATUS, clones, 256 * 1024);
  assert.equal(m.guestRss, 1700);
  assert.equal(m.guestAnon, 220);
  assert.equal(m.guestMappings, 2);
});

test('no mapping of the guest size: no guest RSS', () => {
  const m = parseProcMemory(STATUS, SMAPS, 128 * 1024);
  assert.equal(m.guestRss, 0);
  assert.equal(m.guestMappings, 0);
});

test('CPU ticks are utime + stime, even when the command name holds ") ("', () => {
  const stat = '4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 13 0 1000 0';
  assert.equal(parseCpuTicks(stat), 325);
});
