// Memory sizes as users write them: "256" (MiB), "256M", "256MiB", "2G", "512k". Binary units.

const UNITS: Record<string, number> = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

export function parseSize(text: string): number {
  const m = /^\s*(\d+)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new RangeError(`'${text}' is not a size: write a number of MiB or use a unit, e.g. 256M, 2G`);
  const n = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(n)) throw new RangeError(`'${text}' is too large`);
  return n;
}
