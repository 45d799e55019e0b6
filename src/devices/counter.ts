// Event counters in device state (ignored accesses, writes, exits) are u32le fields that a guest
// can drive as often as it likes, so they wrap at 2^32 instead of making the field encoder throw.

/** Adds one to the u32le counter at `offset` of `view`, wrapping at 2^32. */
export function bumpCounter(view: DataView, offset: number): void {
  view.setUint32(offset, (view.getUint32(offset, true) + 1) >>> 0, true);
}
