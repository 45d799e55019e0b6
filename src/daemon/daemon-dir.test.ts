// The daemon's directory: made 0700 when missing (whatever the umask), refused when it is a file, open to
// others, not the user's, or too long for the sockets inside it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonPaths, prepareDaemonDir } from './daemon-dir.js';
import { DaemonError, type DaemonErrorCode } from './daemon-error.js';

const base = mkdtempSync(join(tmpdir(), 'bothy-ddir-'));

function refusedWith(code: DaemonErrorCode, message: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DaemonError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  };
}

test('a missing directory is created with mode 0700, parents too, even under a permissive umask', () => {
  const old = process.umask(0o002);
  try {
    const dir = join(base, 'new', 'run');
    const p = prepareDaemonDir(dir);
    assert.equal(p.dir, dir);
    assert.equal(p.rmSocket, join(dir, 'rm.sock'));
    assert.equal(p.apiSocket, join(dir, 'api.sock'));
    assert.ok(statSync(dir).isDirectory());
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  } finally {
    process.umask(old);
  }
});

test('an existing private directory is taken as it is, and a relative path is made absolute', () => {
  const dir = join(base, 'mine');
  mkdirSync(dir, { mode: 0o700 });
  const cwd = process.cwd();
  process.chdir(base);
  try {
    assert.equal(prepareDaemonDir('mine').dir, dir);
  } finally {
    process.chdir(cwd);
  }
});

test('a file is refused as not a directory and left alone', () => {
  const file = join(base, 'file');
  writeFileSync(file, 'x');
  assert.throws(() => prepareDaemonDir(file), refusedWith('not-a-directory', /exists and is not a directory/));
  assert.ok(statSync(file).isFile());
});

test('a directory open to group or others is refused with its mode and the fix', () => {
  for (const mode of [0o750, 0o705, 0o777]) {
    const dir = join(base, `open-${mode.toString(8)}`);
    mkdirSync(dir);
    chmodSync(dir, mode);
    assert.throws(() => prepareDaemonDir(dir), refusedWith('dir-not-private', new RegExp(`has mode 0${mode.toString(8)}.*chmod 700`)));
  }
});

test("a directory that is not the user's own, or is shared, is refused (/tmp)", () => {
  assert.throws(() => prepareDaemonDir('/tmp'), refusedWith('dir-not-private', /\/tmp/));
});

test('a directory that cannot be looked at or created says why', () => {
  const file = join(base, 'plain');
  writeFileSync(file, '');
  assert.throws(() => prepareDaemonDir(join(file, 'sub')), refusedWith('dir-unusable', /Cannot use .*plain\/sub as the daemon directory: ENOTDIR/));
  // procfs takes no new directories, not even from root.
  assert.throws(() => prepareDaemonDir('/proc/bothy-no-such/run'), refusedWith('dir-unusable', /Cannot create the daemon directory \/proc\/bothy-no-such\/run: E[A-Z]+.*choose a --dir you can write to/));
});

test('a directory too long for its socket paths is refused before anything is created', () => {
  const dir = join(base, 'd'.repeat(100));
  assert.throws(() => daemonPaths(dir), refusedWith('path-too-long', /Unix sockets allow at most 107/));
  assert.throws(() => prepareDaemonDir(dir), refusedWith('path-too-long', /choose a shorter --dir/));
  assert.throws(() => statSync(dir), /ENOENT/);
});
