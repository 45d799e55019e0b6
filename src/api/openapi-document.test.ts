// docs/openapi.json is generated from the routes; this keeps the checked-in copy from going stale.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { openApiDocument, OPENAPI_DOC_PATH } from './openapi-document.js';

test('docs/openapi.json is exactly what the code generates', async () => {
  const generated = await openApiDocument();
  assert.ok(existsSync(OPENAPI_DOC_PATH), `${OPENAPI_DOC_PATH} is missing: run 'node dist/src/api/write-openapi.js'`);
  const checkedIn = readFileSync(OPENAPI_DOC_PATH, 'utf8');
  assert.equal(checkedIn, generated, "docs/openapi.json is stale: run 'node dist/src/api/write-openapi.js' and commit it");
});

test('the generated document is deterministic and names the API', async () => {
  const a = await openApiDocument();
  assert.equal(await openApiDocument(), a);
  const doc = JSON.parse(a);
  assert.equal(doc.info.title, 'bothy VM control API');
  assert.ok(a.endsWith('}\n'));
});
