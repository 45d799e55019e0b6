// The daemon's API through inject(): the VM list and one VM from the source, 404 for an absent vmid, vmids
// in decimal and hex, bad vmids refused with words, the daemon's status, unknown routes, and a failing source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDaemonApi, parseVmid, type DaemonApiSource } from './build-daemon-api.js';
import { DAEMON_API_ERROR_CODES, DAEMON_HTTP_STATUS } from './daemon-http-status.js';
import type { DaemonStatus, VmView } from './daemon-api-schemas.js';
import { DaemonApiError } from './daemon-api-error.js';

const HLOS: VmView = { vmid: 3, owner: 0xff, status: 'RUNNING', osStatus: 'RUN', appStatus: 0 };
const GUEST: VmView = { vmid: 0x80, owner: 3, status: 'INIT', osStatus: 'NONE', appStatus: 7 };
const STATUS: DaemonStatus = { pid: 1234, dir: '/run/bothy', uptimeSeconds: 1.5, clients: 2, vms: 2 };

function source(vms: readonly VmView[] = [HLOS, GUEST]): DaemonApiSource & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    vms: () => vms,
    vm: (vmid) => {
      asked.push(vmid);
      return vms.find((v) => v.vmid === vmid);
    },
    status: () => STATUS,
  };
}

async function inject(src: DaemonApiSource, url: string, method: 'GET' | 'PUT' = 'GET') {
  const app = buildDaemonApi(src);
  try {
    return await app.inject({ method, url });
  } finally {
    await app.close();
  }
}

test('GET /v1/vms lists the VMs with exactly the schema\'s fields', async () => {
  const extra = { ...GUEST, secret: 'not on the wire' } as VmView;
  const r = await inject(source([HLOS, extra]), '/v1/vms');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), { vms: [HLOS, GUEST] });
});

test('GET /v1/vms/{vmid} takes decimal and 0x-hex, and answers the VM', async () => {
  for (const text of ['128', '0x80', '0X0080']) {
    const src = source();
    const r = await inject(src, `/v1/vms/${text}`);
    assert.equal(r.statusCode, 200, text);
    assert.deepEqual(r.json(), GUEST);
    assert.deepEqual(src.asked, [0x80]);
  }
});

test('an absent vmid is 404 not-found, naming it', async () => {
  const r = await inject(source(), '/v1/vms/0x81');
  assert.equal(r.statusCode, 404);
  assert.deepEqual(r.json(), { error: { code: 'not-found', message: 'The Resource Manager has no VM 129 (0x81); GET /v1/vms lists the VMs' } });
});

test('a vmid that is not a number, or past 16 bits, is 400 bad-request and never reaches the source', async () => {
  const cases: [string, RegExp][] = [
    ['abc', /The vmid 'abc' is not a vmid: give it in decimal \(128\) or 0x-hex \(0x80\)/],
    ['-1', /The vmid '-1' is not a vmid/],
    ['0x10000', /The vmid '0x10000' is not a vmid/],
    ['65536', /The vmid 65536 is out of range: vmids are 16-bit \(0..65535\)/],
  ];
  for (const [text, message] of cases) {
    const src = source();
    const r = await inject(src, `/v1/vms/${text}`);
    assert.equal(r.statusCode, 400, text);
    const body = r.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'bad-request');
    assert.match(body.error.message, message);
    assert.deepEqual(src.asked, []);
  }
});

test('parseVmid reads both notations and refuses past 0xffff', () => {
  assert.equal(parseVmid('0xffff'), 0xffff);
  assert.equal(parseVmid('3'), 3);
  assert.throws(() => parseVmid('99999'), (e: unknown) => e instanceof DaemonApiError && e.code === 'bad-request');
});

test('GET /v1/daemon answers the daemon\'s status', async () => {
  const r = await inject(source(), '/v1/daemon');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), STATUS);
});

test('an unknown route, or a method a route does not take, is 404 unknown-route', async () => {
  for (const [method, url] of [['GET', '/v1/nothing'], ['PUT', '/v1/vms']] as const) {
    const r = await inject(source(), url, method);
    assert.equal(r.statusCode, 404);
    const body = r.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'unknown-route');
    assert.match(body.error.message, new RegExp(`There is no route ${method} ${url}; GET /openapi.json lists the routes`));
  }
});

test('a source that throws is 500 internal with its message, logged with the stack', async () => {
  const lines: string[] = [];
  const src: DaemonApiSource = { ...source(), vms: () => { throw new Error('table gone'); } };
  const app = buildDaemonApi(src, { log: (l) => lines.push(l) });
  try {
    const r = await app.inject({ method: 'GET', url: '/v1/vms' });
    assert.equal(r.statusCode, 500);
    assert.deepEqual(r.json(), { error: { code: 'internal', message: 'table gone' } });
    assert.ok(lines.some((l) => l.startsWith('api: GET /v1/vms failed: Error: table gone')), lines.join('\n'));
    assert.ok(lines.includes('api: GET /v1/vms 500'), lines.join('\n'));
  } finally {
    await app.close();
  }
});

test('GET /openapi.json serves the document', async () => {
  const r = await inject(source(), '/openapi.json');
  assert.equal(r.statusCode, 200);
  assert.equal((r.json() as { info: { title: string } }).info.title, 'bothy daemon API');
});

test('every error code has a status in the one table', () => {
  assert.deepEqual([...DAEMON_API_ERROR_CODES].sort(), ['bad-request', 'body-too-large', 'internal', 'not-found', 'unknown-route', 'unsupported-media-type']);
  for (const code of DAEMON_API_ERROR_CODES) assert.ok(DAEMON_HTTP_STATUS[code] >= 400);
});
