// A one-line progress bar on a terminal (stderr), redrawn in place; nothing at all when not a TTY.

const WIDTH = 30;
const MiB = 2 ** 20;

export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ((done: number, total: number) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    const fill = Math.round((pct / 100) * WIDTH);
    stream.write(`\r${label} [${'#'.repeat(fill)}${' '.repeat(WIDTH - fill)}] ${pct}% (${Math.round(done / MiB)}/${Math.round(total / MiB)} MiB)`);
    if (done >= total) stream.write('\n');
  };
}
