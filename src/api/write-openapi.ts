// Script: regenerate docs/openapi.json from the routes and schemas (`node dist/src/api/write-openapi.js`).

import { writeFileSync } from 'node:fs';
import { openApiDocument, OPENAPI_DOC_PATH } from './openapi-document.js';

writeFileSync(OPENAPI_DOC_PATH, await openApiDocument());
process.stdout.write(`wrote ${OPENAPI_DOC_PATH}\n`);
