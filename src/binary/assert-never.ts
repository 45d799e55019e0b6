// Exhaustiveness check for discriminated unions: every `switch` on `kind` ends here.

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
