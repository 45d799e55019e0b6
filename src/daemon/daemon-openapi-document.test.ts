// docs/daemon-openapi.json is generated from the routes; this keeps the checked-in copy from going stale.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { daemonOpenApiDocument, DAEMON_OPENAPI_DOC_PATH } from './daemon-openapi-document.js';

test('docs/daemon-openapi.json is exactly what the code generates', async () => {
  const generated = await daemonOpenApiDocument();
  assert.ok(existsSync(DAEMON_OPENAPI_DOC_PATH), `${DAEMON_OPENAPI_DOC_PATH} is missing: run 'node dist/src/daemon/write-daemon-openapi.js'`);
  assert.equal(readFileSync(DAEMON_OPENAPI_DOC_PATH, 'utf8'), generated, "docs/daemon-openapi.json is stale: run 'node dist/src/daemon/write-daemon-openapi.js' and commit it");
});

test('the generated document is deterministic, names the API and lists every route', async () => {
  const a = await daemonOpenApiDocument();
  assert.equal(await daemonOpenApiDocument(), a);
  const doc = JSON.parse(a);
  assert.equal(doc.info.title, 'bothy daemon API');
  assert.deepEqual(Object.keys(doc.paths).sort(), ['/openapi.json', '/v1/daemon', '/v1/vms', '/v1/vms/{vmid}']);
  assert.ok(doc.paths['/v1/vms/{vmid}'].get.responses['404'], 'the 404 of an absent VM is documented');
  assert.ok(doc.components.schemas.ApiError, 'the error body is a named schema');
  assert.ok(a.endsWith('}\n'));
});
