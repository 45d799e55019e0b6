// Spare VM shells per machine shape, so a warm restore skips creating KVM objects and memory slots —
// the part of a restore that grows with RAM size. A shell taken is replaced in the background.

import { buildShell, shapeKey, type MachineShape, type VmShell } from './builder.js';

export class VmShellPool {
  readonly #depth: number;
  readonly #spares = new Map<string, VmShell[]>();
  readonly #shapes = new Map<string, MachineShape>();
  #refill: NodeJS.Immediate | undefined;
  #closed = false;

  /** `depth`: spare shells kept per shape. */
  constructor(depth = 1) {
    this.#depth = depth;
  }

  /** Builds spares for `shape` now (synchronously) and keeps them topped up after each take. */
  prewarm(shape: MachineShape): void {
    const key = shapeKey(shape);
    this.#shapes.set(key, shape);
    const list = this.#spares.get(key) ?? [];
    this.#spares.set(key, list);
    while (!this.#closed && list.length < this.#depth) list.push(buildShell(shape));
  }

  /** A spare shell for this shape, or undefined (the caller builds the VM the ordinary way). */
  take(shape: MachineShape): VmShell | undefined {
    const key = shapeKey(shape);
    this.#shapes.set(key, shape);
    const shell = this.#spares.get(key)?.shift();
    this.#scheduleRefill();
    return shell;
  }

  #scheduleRefill(): void {
    this.#refill ??= setImmediate(() => {
      this.#refill = undefined;
      for (const shape of this.#shapes.values()) this.prewarm(shape);
    });
    this.#refill.unref();
  }

  close(): void {
    this.#closed = true;
    if (this.#refill) clearImmediate(this.#refill);
    for (const list of this.#spares.values()) for (const s of list.splice(0)) s.teardown.run();
  }
}
