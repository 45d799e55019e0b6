// The OpenAPI 3 document of the daemon's API as the code generates it: routes and schemas are the source;
// docs/daemon-openapi.json is this text, checked in, and a test keeps the two equal.

import { fileURLToPath } from 'node:url';
import { buildDaemonApi } from './build-daemon-api.js';

/** Where the checked-in copy lives (this file runs from dist/src/daemon/). */
export const DAEMON_OPENAPI_DOC_PATH = fileURLToPath(new URL('../../../docs/daemon-openapi.json', import.meta.url));

/** The document as pretty-printed JSON with a final newline, exactly as it is checked in. */
export async function daemonOpenApiDocument(): Promise<string> {
  const nothing = (): never => {
    throw new Error('no daemon behind this API (generating the document only)');
  };
  const app = buildDaemonApi({ vms: nothing, vm: nothing, status: nothing });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
