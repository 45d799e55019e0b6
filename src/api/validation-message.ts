// Turns a request-validation failure (Ajv's error objects, as fastify hands them over) into one
// sentence that names the field that was wrong and says what it should be.

import { ABSOLUTE_PATH_PATTERN, U64_TEXT_PATTERN } from './schemas.js';

/** The part of an Ajv ErrorObject this needs; fastify types `error.validation` this loosely. */
export interface SchemaViolation {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string | undefined;
}

function pointerGet(root: unknown, pointer: string): unknown {
  let v = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function quoteList(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : String(values);
}

function got(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return ` (got ${text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
}

/** `context` is where the data came from ('body', 'querystring', …); `data` is what was received there. */
export function describeViolation(context: string, v: SchemaViolation, data: unknown): string {
  const where = v.instancePath === '' ? `The request ${context}` : `Field '${v.instancePath.slice(1).replaceAll('/', '.')}'`;
  const value = pointerGet(data, v.instancePath);
  switch (v.keyword) {
    case 'required':
      return `The request ${context} is missing the required field '${String(v.params['missingProperty'])}'`;
    case 'additionalProperties':
      return `The request ${context} has an unknown field '${String(v.params['additionalProperty'])}'`;
    case 'enum':
      return `${where} must be one of ${quoteList(v.params['allowedValues'])}${got(value)}`;
    case 'type':
      return `${where} must be ${v.params['type'] === 'object' ? 'a JSON object' : `of type ${String(v.params['type'])}`}${got(value)}`;
    case 'pattern':
      if (v.params['pattern'] === ABSOLUTE_PATH_PATTERN) return `${where} must be an absolute path (starting with /)${got(value)}`;
      if (v.params['pattern'] === U64_TEXT_PATTERN) return `${where} must be a u64 written in decimal or 0x-hex, as a string${got(value)}`;
      return `${where} must match ${String(v.params['pattern'])}${got(value)}`;
    case 'minLength':
      return `${where} must not be empty`;
    default:
      return `${where} ${v.message ?? `fails '${v.keyword}'`}${got(value)}`;
  }
}
