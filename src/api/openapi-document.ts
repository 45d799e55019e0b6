// The OpenAPI 3 document of the control API, as the code generates it: routes and schemas are the
// source; docs/openapi.json is this text, checked in, and a test keeps the two equal.

import { fileURLToPath } from 'node:url';
import { buildApi } from './build-api.js';
import { ActionError } from '../vm/actions.js';

/** Where the checked-in copy lives (this file runs from dist/src/api/). */
export const OPENAPI_DOC_PATH = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

/** The document as pretty-printed JSON with a final newline, exactly as it is checked in. */
export async function openApiDocument(): Promise<string> {
  const app = buildApi(async (a) => {
    throw new ActionError('bad-state', `no VM behind this API (asked for ${a.kind})`);
  });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
