// Guest RAM: one memfd holding every region back to back, mapped MAP_SHARED once per thread that
// needs a view. Reads and writes are bounds-checked against the regions; an access may not span two.

import { libc, errno, viewOf, PROT_READ, PROT_WRITE, MAP_SHARED, MAP_PRIVATE, MAP_FAILED, MFD_CLOEXEC, O_CLOEXEC, O_RDONLY, MAP_ANONYMOUS, MAP_NORESERVE } from '../kvm/libc.js';
import { MemoryError } from './memory-error.js';
import { type Gpa, hex } from './address.js';

export interface RegionSpec {
  readonly name: string;
  readonly gpa: Gpa;
  readonly size: number;
}

export interface Region extends RegionSpec {
  /** Offset of this region in the memory file. */
  readonly fileOffset: number;
  /** Host address of this region in this thread's mapping (for KVM memory slots). */
  readonly hostAddr: bigint;
  readonly bytes: Uint8Array;
}

const PAGE = 4096;

/** What another thread needs to map the same memory. */
export interface GuestMemoryDescriptor {
  readonly fd: number;
  readonly regions: readonly RegionSpec[];
}

export class GuestMemory {
  readonly fd: number;
  readonly regions: readonly Region[];

  private constructor(fd: number, regions: readonly Region[]) {
    this.fd = fd;
    this.regions = regions;
  }

  /** Creates the memory file and maps it. Regions must be page-aligned and must not overlap. */
  static create(specs: readonly RegionSpec[]): GuestMemory {
    validate(specs);
    const fd = libc.memfdCreate('bothy-guest-ram', MFD_CLOEXEC);
    if (fd < 0) throw new MemoryError('map-failed', `memfd_create failed (errno ${errno()})`);
    const total = specs.reduce((n, s) => n + s.size, 0);
    if (libc.ftruncate(fd, total) < 0) {
      const e = errno();
      libc.close(fd);
      throw new MemoryError('map-failed', `Cannot size guest memory to ${total} bytes (errno ${e})`);
    }
    return GuestMemory.map({ fd, regions: specs });
  }

  /** Maps an existing memory file (another thread's view of the same RAM). */
  static map(desc: GuestMemoryDescriptor): GuestMemory {
    validate(desc.regions);
    const total = desc.regions.reduce((n, s) => n + s.size, 0);
    const base = libc.mmap(total, PROT_READ | PROT_WRITE, MAP_SHARED, desc.fd, 0);
    if (base === MAP_FAILED) throw new MemoryError('map-failed', `Cannot map ${total} bytes of guest memory (errno ${errno()})`);
    return new GuestMemory(desc.fd, layoutRegions(base, desc.regions));
  }

  /**
   * Maps a memory file copy-on-write (MAP_PRIVATE): pages load lazily from the file on first touch
   * and guest writes never reach it, so one snapshot can back many VMs and is never modified.
   */
  static mapPrivateFile(path: string, specs: readonly RegionSpec[]): GuestMemory {
    validate(specs);
    const fd = libc.open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw new MemoryError('map-failed', `Cannot open memory file ${path} (errno ${errno()})`);
    const total = specs.reduce((n, s) => n + s.size, 0);
    const base = libc.mmap(total, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (base === MAP_FAILED) {
      const e = errno();
      libc.close(fd);
      throw new MemoryError('map-failed', `Cannot map memory file ${path} (errno ${e})`);
    }
    return new GuestMemory(fd, layoutRegions(base, specs));
  }

  /**
   * Address space for RAM with nothing behind it yet (anonymous, MAP_NORESERVE): KVM memory slots can be
   * created over it ahead of time, and a memory file mapped over it later with overlayPrivateFile().
   */
  static reserve(specs: readonly RegionSpec[]): GuestMemory {
    validate(specs);
    const total = specs.reduce((n, s) => n + s.size, 0);
    const base = libc.mmap(total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base === MAP_FAILED) throw new MemoryError('map-failed', `Cannot reserve ${total} bytes of address space (errno ${errno()})`);
    return new GuestMemory(-1, layoutRegions(base, specs));
  }

  /**
   * Maps a memory file copy-on-write over this memory's own addresses (MAP_FIXED), so KVM slots created
   * over them keep working and now see the file. The file must hold exactly these regions.
   */
  overlayPrivateFile(path: string): GuestMemory {
    const first = this.regions[0];
    if (!first) throw new MemoryError('bad-size', 'No regions to map a memory file over');
    const base = first.hostAddr - BigInt(first.fileOffset);
    const fd = libc.open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw new MemoryError('map-failed', `Cannot open memory file ${path} (errno ${errno()})`);
    const got = libc.mmapFixed(base, this.size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    const e = errno();
    // The mapping holds the file open; the descriptor isn't needed any more.
    libc.close(fd);
    if (got !== base) throw new MemoryError('map-failed', `Cannot map memory file ${path} over guest RAM (errno ${e})`);
    return new GuestMemory(-1, this.regions);
  }

  get descriptor(): GuestMemoryDescriptor {
    return { fd: this.fd, regions: this.regions.map(({ name, gpa, size }) => ({ name, gpa, size })) };
  }

  get size(): number {
    return this.regions.reduce((n, r) => n + r.size, 0);
  }

  /** A live view of [gpa, gpa+len) — it must lie inside one region. */
  slice(addr: Gpa | number, len: number): Uint8Array {
    for (const r of this.regions) {
      if (addr >= r.gpa && addr + len <= r.gpa + r.size) return r.bytes.subarray(addr - r.gpa, addr - r.gpa + len);
    }
    throw new MemoryError('out-of-range', `Guest range ${hex(addr)}+${hex(len)} is not inside guest RAM (${this.describe()})`);
  }

  /** This process's host address of [gpa, gpa+len), for another thread of the process to view (one region). */
  hostAddress(addr: Gpa | number, len: number): bigint {
    for (const r of this.regions) {
      if (addr >= r.gpa && addr + len <= r.gpa + r.size) return r.hostAddr + BigInt(addr - r.gpa);
    }
    throw new MemoryError('out-of-range', `Guest range ${hex(addr)}+${hex(len)} is not inside guest RAM (${this.describe()})`);
  }

  write(addr: Gpa | number, data: Uint8Array): void {
    this.slice(addr, data.length).set(data);
  }

  read(addr: Gpa | number, len: number): Uint8Array {
    return this.slice(addr, len).slice();
  }

  /**
   * Unmaps this thread's view and closes the memory file. Views handed out by slice() must not be
   * touched afterwards (they point at unmapped memory).
   */
  close(): void {
    const first = this.regions[0];
    if (first) libc.munmap(first.hostAddr - BigInt(first.fileOffset), this.size);
    if (this.fd >= 0) libc.close(this.fd);
  }

  describe(): string {
    return this.regions.map((r) => `'${r.name}' ${hex(r.gpa)}–${hex(r.gpa + r.size - 1)}`).join(', ');
  }
}

/** Regions lie back to back in the file and the mapping, in the order given. */
function layoutRegions(base: bigint, specs: readonly RegionSpec[]): Region[] {
  let off = 0;
  return specs.map((s) => {
    const r: Region = { name: s.name, gpa: s.gpa, size: s.size, fileOffset: off, hostAddr: base + BigInt(off), bytes: viewOf(base + BigInt(off), s.size) };
    off += s.size;
    return r;
  });
}

function validate(specs: readonly RegionSpec[]): void {
  for (const s of specs) {
    if (s.size <= 0 || s.size % PAGE !== 0 || s.gpa % PAGE !== 0) {
      throw new MemoryError('bad-size', `Region '${s.name}' at ${hex(s.gpa)} size ${hex(s.size)} must be non-empty and 4 KiB-aligned`);
    }
  }
  const sorted = [...specs].sort((a, b) => a.gpa - b.gpa);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.gpa < a.gpa + a.size) {
      throw new MemoryError('overlap', `Cannot map guest memory '${b.name}' at ${hex(b.gpa)}: overlaps region '${a.name}' (${hex(a.gpa)}–${hex(a.gpa + a.size)})`);
    }
  }
}
