import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CMDLINE, encodeCmdline } from './cmdline.js';
import { LAYOUT } from './layout.js';
import { LoaderError } from './loader-error.js';

const bad = (e: unknown) => e instanceof LoaderError && e.code === 'bad-cmdline';

test('the command line is ASCII with a NUL terminator', () => {
  assert.deepEqual([...encodeCmdline('a=1 b')], [0x61, 0x3d, 0x31, 0x20, 0x62, 0]);
  assert.deepEqual([...encodeCmdline('')], [0]);
});

test('the default command line is Firecracker\'s, adapted for one UART and no PCI', () => {
  assert.equal(
    DEFAULT_CMDLINE,
    'console=ttyS0 reboot=k panic=1 nomodule 8250.nr_uarts=1 i8042.noaux i8042.nomux i8042.dumbkbd swiotlb=noforce pci=off',
  );
  const bytes = encodeCmdline(DEFAULT_CMDLINE);
  assert.equal(bytes.length, DEFAULT_CMDLINE.length + 1);
  assert.equal(bytes.at(-1), 0);
});

test('up to CMDLINE_MAX_SIZE - 1 characters fit; one more is refused', () => {
  const max = LAYOUT.CMDLINE_MAX_SIZE - 1;
  assert.equal(encodeCmdline('x'.repeat(max)).length, LAYOUT.CMDLINE_MAX_SIZE);
  assert.throws(() => encodeCmdline('x'.repeat(max + 1)), bad);
});

test('NUL, control and non-ASCII characters are refused with their position', () => {
  assert.throws(() => encodeCmdline('a\0b'), (e: unknown) => bad(e) && /0x0 at position 1/.test((e as Error).message));
  assert.throws(() => encodeCmdline('a\nb'), bad);
  assert.throws(() => encodeCmdline('a\tb'), bad);
  assert.throws(() => encodeCmdline('root=/dev/vdä'), bad);
  assert.throws(() => encodeCmdline('x\x7f'), bad);
});
