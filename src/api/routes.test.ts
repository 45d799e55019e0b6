// The control API through inject(): every route reaches perform() with the right Action, every error
// code gets its status from the one table, and bad requests are refused with the field named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApi, type ApiApp } from './build-api.js';
import { ActionError, perform as performOnVm, type Action, type ActionErrorCode, type ActionResult, type FwRegErrno, type VmStatus } from '../vm/actions.js';
import type { Vm } from '../vm/vm.js';
import { FirmwareRegisters, KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_STD_BMAP } from '../hypercalls/firmware-registers.js';
import { HTTP_STATUS, API_ERROR_CODES, httpStatusFor } from './http-status.js';
import type { Perform } from './routes.js';

const STATUS: VmStatus = { state: 'running', vcpus: 2, memSize: 256 * 2 ** 20, kernel: '/k/demo.elf', cmdline: 'idle' };
const UUID = '5a1b2c3d-0000-4000-8000-123456789abc';
const PSCI = { id: '0x6030000000140000', name: 'KVM_REG_ARM_PSCI_VERSION', value: '0x10003' };

/** A perform() that records what it was asked and answers like a healthy VM (or as `answer` says). */
function fakeVm(answer?: (a: Action) => Promise<ActionResult>): { perform: Perform; seen: Action[] } {
  const seen: Action[] = [];
  const perform: Perform = async (a) => {
    seen.push(a);
    if (answer) return answer(a);
    switch (a.kind) {
      case 'status':
        return { kind: 'status', status: STATUS };
      case 'vmgenid':
        return { kind: 'vmgenid', uuid: UUID };
      case 'fw-reg-list':
        return { kind: 'fw-regs', regs: [PSCI] };
      case 'fw-reg-get':
      case 'fw-reg-set':
        return { kind: 'fw-reg', reg: PSCI };
      default:
        return { kind: 'done' };
    }
  };
  return { perform, seen };
}

async function withApp(perform: Perform, body: (app: ApiApp) => Promise<void>): Promise<void> {
  const app = buildApi(perform);
  try {
    await body(app);
  } finally {
    await app.close();
  }
}

type Req = { method: 'GET' | 'PUT' | 'POST'; url: string; payload?: unknown };
const ROUTES: { req: Req; action: Action }[] = [
  { req: { method: 'GET', url: '/v1/vm' }, action: { kind: 'status' } },
  { req: { method: 'PUT', url: '/v1/vm/state', payload: { state: 'paused' } }, action: { kind: 'pause' } },
  { req: { method: 'PUT', url: '/v1/vm/state', payload: { state: 'running' } }, action: { kind: 'resume' } },
  { req: { method: 'PUT', url: '/v1/vm/snapshot', payload: { dir: '/var/snap/one' } }, action: { kind: 'snapshot', dir: '/var/snap/one' } },
  { req: { method: 'GET', url: '/v1/vm/vmgenid' }, action: { kind: 'vmgenid' } },
  { req: { method: 'GET', url: '/v1/vm/fw-regs' }, action: { kind: 'fw-reg-list' } },
  { req: { method: 'GET', url: '/v1/vm/fw-regs/psci-version' }, action: { kind: 'fw-reg-get', reg: 'psci-version' } },
  { req: { method: 'PUT', url: '/v1/vm/fw-regs/0x6030000000160000', payload: { value: '0' } }, action: { kind: 'fw-reg-set', reg: '0x6030000000160000', value: '0' } },
];

function inject(app: ApiApp, r: Req) {
  return app.inject({ method: r.method, url: r.url, ...(r.payload !== undefined ? { payload: r.payload as object } : {}) });
}

test('GET /v1/vm answers the status, and only the documented fields', async () => {
  const { perform, seen } = fakeVm(async () => ({ kind: 'status', status: { ...STATUS, secret: 'x' } as VmStatus }));
  await withApp(perform, async (app) => {
    const r = await app.inject({ method: 'GET', url: '/v1/vm' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.deepEqual(r.json(), STATUS);
    assert.deepEqual(seen, [{ kind: 'status' }]);
  });
});

test('PUT /v1/vm/state pauses and resumes with 204 and no body', async () => {
  const { perform, seen } = fakeVm();
  await withApp(perform, async (app) => {
    for (const state of ['paused', 'running']) {
      const r = await app.inject({ method: 'PUT', url: '/v1/vm/state', payload: { state } });
      assert.equal(r.statusCode, 204);
      assert.equal(r.body, '');
    }
    assert.deepEqual(seen, [{ kind: 'pause' }, { kind: 'resume' }]);
  });
});

test('PUT /v1/vm/snapshot passes the directory through, 204', async () => {
  const { perform, seen } = fakeVm();
  await withApp(perform, async (app) => {
    const r = await app.inject({ method: 'PUT', url: '/v1/vm/snapshot', payload: { dir: '/tmp/snaps/a b' } });
    assert.equal(r.statusCode, 204);
    assert.deepEqual(seen, [{ kind: 'snapshot', dir: '/tmp/snaps/a b' }]);
  });
});

test('GET /v1/vm/vmgenid answers the UUID', async () => {
  const { perform, seen } = fakeVm();
  await withApp(perform, async (app) => {
    const r = await app.inject({ method: 'GET', url: '/v1/vm/vmgenid' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { uuid: UUID });
    assert.deepEqual(seen, [{ kind: 'vmgenid' }]);
  });
});

test('every route reaches perform() with its action', async () => {
  const { perform, seen } = fakeVm();
  await withApp(perform, async (app) => {
    for (const { req } of ROUTES) assert.ok((await inject(app, req)).statusCode < 300, `${req.method} ${req.url}`);
    assert.deepEqual(seen, ROUTES.map((r) => r.action));
  });
});

// Written out here, not read from the table, so a changed status fails a test.
const EXPECTED_STATUS: Record<Exclude<ActionErrorCode, 'fw-reg'>, number> = {
  'bad-request': 400,
  'not-found': 404,
  'bad-state': 409,
  'snapshot-exists': 409,
  'no-space': 507,
  'snapshot-failed': 500,
};
const EXPECTED_FW_REG_STATUS: Record<FwRegErrno, number> = { ENOENT: 404, EINVAL: 400, EBUSY: 409 };

test('every action error code answers its status and { error: { code, message } }, on every route', async () => {
  for (const [code, status] of Object.entries(EXPECTED_STATUS) as [ActionErrorCode, number][]) {
    const { perform } = fakeVm(async () => {
      throw new ActionError(code, `refused with ${code}: do something else`);
    });
    await withApp(perform, async (app) => {
      for (const { req } of ROUTES) {
        const r = await inject(app, req);
        assert.equal(r.statusCode, status, `${code} on ${req.method} ${req.url}`);
        assert.deepEqual(r.json(), { error: { code, message: `refused with ${code}: do something else` } });
      }
    });
  }
});

test('a fw-reg error answers the status of its errno and carries the errno in the body, on every route', async () => {
  for (const [errno, status] of Object.entries(EXPECTED_FW_REG_STATUS) as [FwRegErrno, number][]) {
    const { perform } = fakeVm(async () => {
      throw new ActionError('fw-reg', `${errno}: KVM said no`, { errno });
    });
    await withApp(perform, async (app) => {
      for (const { req } of ROUTES) {
        const r = await inject(app, req);
        assert.equal(r.statusCode, status, `${errno} on ${req.method} ${req.url}`);
        assert.deepEqual(r.json(), { error: { code: 'fw-reg', message: `${errno}: KVM said no`, errno } });
      }
    });
  }
});

test('the status table covers every wire error code, and the API-level codes have their statuses', () => {
  assert.deepEqual([...API_ERROR_CODES].sort(), Object.keys(HTTP_STATUS).sort());
  for (const [code, status] of Object.entries(EXPECTED_STATUS)) assert.equal(HTTP_STATUS[code as keyof typeof EXPECTED_STATUS], status);
  for (const [errno, status] of Object.entries(EXPECTED_FW_REG_STATUS)) assert.equal(httpStatusFor('fw-reg', errno as FwRegErrno), status);
  assert.equal(httpStatusFor('bad-state'), 409);
  assert.equal(HTTP_STATUS['unknown-route'], 404);
  assert.equal(HTTP_STATUS.internal, 500);
  assert.equal(HTTP_STATUS['unsupported-media-type'], 415);
  assert.equal(HTTP_STATUS['body-too-large'], 413);
});

test('an unexpected failure is a 500 with its message and no stack; the stack goes to the log', async () => {
  const lines: string[] = [];
  const app = buildApi(async () => {
    throw new TypeError('the vCPU table is gone');
  }, { log: (l) => lines.push(l) });
  try {
    const r = await app.inject({ method: 'GET', url: '/v1/vm' });
    assert.equal(r.statusCode, 500);
    assert.deepEqual(r.json(), { error: { code: 'internal', message: 'the vCPU table is gone' } });
    assert.doesNotMatch(r.body, /\bat .*\.js/);
    assert.ok(lines.some((l) => l.includes('TypeError: the vCPU table is gone') && /\n\s+at /.test(l)), lines.join('\n'));
    assert.ok(lines.includes('api: GET /v1/vm 500'), lines.join('\n'));
  } finally {
    await app.close();
  }
});

test('a result of the wrong kind from perform() is an internal error, not a malformed answer', async () => {
  const { perform } = fakeVm(async () => ({ kind: 'done' }));
  await withApp(perform, async (app) => {
    const r = await app.inject({ method: 'GET', url: '/v1/vm/vmgenid' });
    assert.equal(r.statusCode, 500);
    assert.equal(r.json().error.code, 'internal');
    assert.match(r.json().error.message, /answered 'vmgenid' with a 'done' result/);
  });
});

const BAD_BODIES: { url: string; payload: unknown; message: RegExp }[] = [
  { url: '/v1/vm/state', payload: { state: 'sleeping' }, message: /^Field 'state' must be one of "paused", "running" \(got "sleeping"\)$/ },
  { url: '/v1/vm/state', payload: { state: 1 }, message: /^Field 'state' must be of type string \(got 1\)$/ },
  { url: '/v1/vm/state', payload: {}, message: /^The request body is missing the required field 'state'$/ },
  { url: '/v1/vm/state', payload: { state: 'paused', force: true }, message: /^The request body has an unknown field 'force'$/ },
  { url: '/v1/vm/state', payload: ['paused'], message: /^The request body must be a JSON object/ },
  { url: '/v1/vm/snapshot', payload: { dir: 'snaps/one' }, message: /^Field 'dir' must be an absolute path \(starting with \/\) \(got "snaps\/one"\)$/ },
  { url: '/v1/vm/snapshot', payload: { dir: '' }, message: /^Field 'dir' must not be empty$/ },
  { url: '/v1/vm/snapshot', payload: { dir: 7 }, message: /^Field 'dir' must be of type string \(got 7\)$/ },
  { url: '/v1/vm/snapshot', payload: { directory: '/x' }, message: /'dir'|'directory'/ },
  { url: '/v1/vm/fw-regs/std-bmap', payload: { value: 1 }, message: /^Field 'value' must be of type string \(got 1\)$/ },
  { url: '/v1/vm/fw-regs/std-bmap', payload: { value: '-1' }, message: /^Field 'value' must be a u64 written in decimal or 0x-hex, as a string \(got "-1"\)$/ },
  { url: '/v1/vm/fw-regs/std-bmap', payload: { value: '0x' }, message: /^Field 'value' must be a u64 written in decimal or 0x-hex/ },
  { url: '/v1/vm/fw-regs/std-bmap', payload: {}, message: /^The request body is missing the required field 'value'$/ },
  { url: '/v1/vm/fw-regs/std-bmap', payload: { value: '1', force: true }, message: /^The request body has an unknown field 'force'$/ },
];

test('invalid bodies are refused with 400 bad-request naming the field, and never reach perform()', async () => {
  const { perform, seen } = fakeVm();
  await withApp(perform, async (app) => {
    for (const b of BAD_BODIES) {
      const r = await app.inject({ method: 'PUT', url: b.url, payload: b.payload as object });
      assert.equal(r.statusCode, 400, `${b.url} ${JSON.stringify(b.payload)}`);
      assert.equal(r.json().error.code, 'bad-request');
      assert.match(r.json().error.message, b.message);
    }
    assert.deepEqual(seen, []);
  });
});

test('a body that is not JSON, a missing body, and a foreign media type are refused', async () => {
  const { perform, seen } = fakeVm();
  await withApp(perform, async (app) => {
    let r = await app.inject({ method: 'PUT', url: '/v1/vm/state', headers: { 'content-type': 'application/json' }, payload: '{"state":' });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'bad-request');
    assert.match(r.json().error.message, /not valid JSON/);

    r = await app.inject({ method: 'PUT', url: '/v1/vm/state' });
    assert.equal(r.statusCode, 400);
    assert.match(r.json().error.message, /The request body must be a JSON object/);

    r = await app.inject({ method: 'PUT', url: '/v1/vm/state', headers: { 'content-type': 'application/xml' }, payload: '<state/>' });
    assert.equal(r.statusCode, 415);
    assert.equal(r.json().error.code, 'unsupported-media-type');
    assert.match(r.json().error.message, /application\/json/);

    r = await app.inject({ method: 'PUT', url: '/v1/vm/snapshot', payload: { dir: `/${'x'.repeat(100_000)}` } });
    assert.equal(r.statusCode, 413);
    assert.equal(r.json().error.code, 'body-too-large');
    assert.deepEqual(seen, []);
  });
});

test('an unknown route or method is a 404 unknown-route that points at /openapi.json', async () => {
  const { perform, seen } = fakeVm();
  await withApp(perform, async (app) => {
    for (const [method, url] of [['GET', '/v1/vms'], ['POST', '/v1/vm'], ['GET', '/vm'], ['DELETE', '/v1/vm/state']] as const) {
      const r = await app.inject({ method, url });
      assert.equal(r.statusCode, 404, `${method} ${url}`);
      assert.equal(r.json().error.code, 'unknown-route');
      assert.match(r.json().error.message, new RegExp(`no route ${method} ${url}; GET /openapi.json lists the routes`));
    }
    assert.deepEqual(seen, []);
  });
});

test('GET /openapi.json serves the document, and it lists every route the app has', async () => {
  const app = buildApi(fakeVm().perform);
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push({ method: m.toLowerCase(), url: r.url });
  });
  try {
    const r = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(r.statusCode, 200);
    const doc = r.json();
    assert.deepEqual(doc, JSON.parse(JSON.stringify(app.swagger())));
    assert.equal(doc.openapi, '3.0.3');
    assert.deepEqual(routes.map((x) => `${x.method} ${x.url}`).sort(),
      ['get /openapi.json', 'get /v1/vm', 'get /v1/vm/fw-regs', 'get /v1/vm/fw-regs/:reg', 'get /v1/vm/vmgenid', 'put /v1/vm/fw-regs/:reg',
        'put /v1/vm/snapshot', 'put /v1/vm/state']);
    for (const { method, url: route } of routes) {
      const url = route.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[url]?.[method];
      assert.ok(op, `${method} ${url} is in the document`);
      assert.equal(typeof op.operationId, 'string');
    }
    // Every error response is the one shared error body.
    const errorRefs = Object.values(doc.paths).flatMap((p) => Object.values(p as Record<string, { responses: Record<string, unknown> }>))
      .flatMap((op) => Object.entries(op.responses).filter(([s]) => Number(s) >= 400).map(([, v]) => v));
    assert.ok(errorRefs.length >= 8);
    for (const e of errorRefs) assert.equal((e as { content: { 'application/json': { schema: { $ref: string } } } }).content['application/json'].schema.$ref, '#/components/schemas/ApiError');
    assert.deepEqual(doc.components.schemas.ApiError.properties.error.properties.code.enum, [...API_ERROR_CODES]);
    // Error statuses come from the one table, with the codes each stands for.
    const snap = doc.paths['/v1/vm/snapshot'].put.responses;
    assert.deepEqual(Object.keys(snap).sort(), ['204', '400', '409', '413', '415', '500', '507']);
    assert.match(snap['409'].description, /bad-state: .*; snapshot-exists: /);
    assert.match(snap['507'].description, /^no-space: /);
    assert.deepEqual(Object.keys(doc.paths['/v1/vm/vmgenid'].get.responses).sort(), ['200', '404', '500']);
    assert.equal(doc.paths['/v1/vm/snapshot'].put.requestBody.content['application/json'].schema.properties.dir.pattern, '^/');
    // A fw-reg error's status depends on its errno; each status says which errno it stands for.
    const put = doc.paths['/v1/vm/fw-regs/{reg}'].put.responses;
    assert.deepEqual(Object.keys(put).sort(), ['200', '400', '404', '409', '413', '415', '500']);
    assert.match(put['404'].description, /^fw-reg \(errno ENOENT\): /);
    assert.match(put['409'].description, /^fw-reg \(errno EBUSY\): /);
    assert.match(put['400'].description, /bad-request: .*; fw-reg \(errno EINVAL\): /);
    assert.deepEqual(Object.keys(doc.paths['/v1/vm/fw-regs'].get.responses).sort(), ['200', '500']);
    assert.deepEqual(doc.components.schemas.ApiError.properties.error.properties.errno.enum, ['ENOENT', 'EINVAL', 'EBUSY']);
    assert.deepEqual(doc.paths['/v1/vm/fw-regs/{reg}'].get.parameters.map((p: { name: string; in: string; required: boolean }) => [p.name, p.in, p.required]),
      [['reg', 'path', true]]);
  } finally {
    await app.close();
  }
});

/** perform() from the VM layer over real firmware registers of a VM that has run (what a Vm holds). */
function regsVm(regs = new FirmwareRegisters()): Perform {
  regs.markRan();
  const vm = { firmwareRegisters: regs } as unknown as Vm;
  return (a) => performOnVm(vm, a);
}

test('GET /v1/vm/fw-regs lists every register in KVM_GET_REG_LIST order', async () => {
  await withApp(regsVm(), async (app) => {
    const r = await app.inject({ method: 'GET', url: '/v1/vm/fw-regs' });
    assert.equal(r.statusCode, 200);
    const regs = r.json().regs as { id: string; name: string; value: string }[];
    assert.deepEqual(regs.map((x) => x.id), [
      '0x6030000000140000', '0x6030000000140001', '0x6030000000140002', '0x6030000000140003',
      '0x6030000000160000', '0x6030000000160001', '0x6030000000160002', '0x6030000000160003',
    ]);
    assert.deepEqual(regs[0], PSCI);
    assert.deepEqual(regs[7], { id: '0x6030000000160003', name: 'KVM_REG_ARM_VENDOR_HYP_BMAP_2', value: '0x0' });
  });
});

test('GET /v1/vm/fw-regs/{reg} by short name, KVM name or hex id; anything else is 404 ENOENT', async () => {
  await withApp(regsVm(), async (app) => {
    for (const reg of ['psci-version', 'KVM_REG_ARM_PSCI_VERSION', '0x6030000000140000']) {
      const r = await app.inject({ method: 'GET', url: `/v1/vm/fw-regs/${reg}` });
      assert.equal(r.statusCode, 200, reg);
      assert.deepEqual(r.json(), PSCI);
    }
    for (const reg of ['nope', '0x6030000000150000']) {
      const r = await app.inject({ method: 'GET', url: `/v1/vm/fw-regs/${reg}` });
      assert.equal(r.statusCode, 404, reg);
      assert.equal(r.json().error.code, 'fw-reg');
      assert.equal(r.json().error.errno, 'ENOENT');
      assert.match(r.json().error.message, /^ENOENT: /);
    }
  });
});

test('PUT /v1/vm/fw-regs/{reg}: KVM\'s rules after the run — PSCI version 200, same bitmap 200, changed bitmap 409 EBUSY, bad bits 400 EINVAL', async () => {
  const regs = new FirmwareRegisters();
  await withApp(regsVm(regs), async (app) => {
    const put = (reg: string, value: string) => app.inject({ method: 'PUT', url: `/v1/vm/fw-regs/${reg}`, payload: { value } });
    let r = await put('psci-version', '0x10001');
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { ...PSCI, value: '0x10001' });
    assert.equal(regs.get(KVM_REG_ARM_PSCI_VERSION), 0x10001n);

    r = await put('std-bmap', '1');
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().value, '0x1');

    r = await put('std-bmap', '0');
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().error.errno, 'EBUSY');
    assert.match(r.json().error.message, /^EBUSY: KVM_REG_ARM_STD_BMAP: cannot change 0x1 to 0x0/);
    assert.equal(regs.get(KVM_REG_ARM_STD_BMAP), 1n);

    r = await put('std-bmap', '0x2');
    assert.equal(r.statusCode, 400);
    assert.deepEqual([r.json().error.code, r.json().error.errno], ['fw-reg', 'EINVAL']);

    r = await put('psci-version', '18446744073709551616');
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.errno, 'EINVAL');
    assert.match(r.json().error.message, /is not a u64 register value/);

    r = await put('0x6030000000140009', '0');
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.errno, 'ENOENT');
  });
});

test('errors other than fw-reg carry no errno', async () => {
  const { perform } = fakeVm(async () => {
    throw new ActionError('bad-state', 'stopped');
  });
  await withApp(perform, async (app) => {
    const r = await app.inject({ method: 'GET', url: '/v1/vm/fw-regs' });
    assert.deepEqual(r.json(), { error: { code: 'bad-state', message: 'stopped' } });
  });
});
