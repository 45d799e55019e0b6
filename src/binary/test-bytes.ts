// Byte lists for tests that spell expected encodings out by hand: hex as a datasheet prints it
// ("5b 82 0f"), and ASCII names inside AML and FDT blobs.

/** "5b 82 0f" → [0x5b, 0x82, 0x0f]; any whitespace separates bytes. */
export function hexBytes(s: string): number[] {
  return s.split(/\s+/).filter(Boolean).map((x) => Number.parseInt(x, 16));
}

/** "COM1" → its character codes. */
export function asciiBytes(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}
