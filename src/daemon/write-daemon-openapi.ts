// Script: regenerate docs/daemon-openapi.json from the routes and schemas (`node dist/src/daemon/write-daemon-openapi.js`).

import { writeFileSync } from 'node:fs';
import { daemonOpenApiDocument, DAEMON_OPENAPI_DOC_PATH } from './daemon-openapi-document.js';

writeFileSync(DAEMON_OPENAPI_DOC_PATH, await daemonOpenApiDocument());
process.stdout.write(`wrote ${DAEMON_OPENAPI_DOC_PATH}\n`);
