/* The Linux boot protocol's setup_data list (Documentation/arch/x86/boot.rst, hdr.setup_data) and a
 * read-in-place flattened devicetree walker: Devicetree Specification v0.4 ch. 5 (header, structure
 * block tokens, strings block) and §2.3.5/§2.4.1 (#address-cells, #size-cells, interrupt-parent). */
#include "internal.h"

struct setup_data {
  uint64_t next;
  uint32_t type;
  uint32_t len;
  uint8_t data[];
} __attribute__((packed));
/* A loader's list is short; the bound only stops a corrupt (cyclic) one. */
#define SETUP_DATA_MAX_NODES 64

/* struct fdt_header: every field a big-endian u32 (spec §5.2). */
struct fdt_header {
  uint32_t magic;
  uint32_t totalsize;
  uint32_t off_dt_struct;
  uint32_t off_dt_strings;
  uint32_t off_mem_rsvmap;
  uint32_t version;
  uint32_t last_comp_version;
  uint32_t boot_cpuid_phys;
  uint32_t size_dt_strings;
  uint32_t size_dt_struct;
};
#define FDT_MAGIC 0xd00dfeed
/* size_dt_struct appeared in version 17; this walker reads blobs compatible with it. */
#define FDT_VERSION 17

/* Structure block tokens (spec §5.4.1). */
#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE 0x2
#define FDT_PROP 0x3
#define FDT_NOP 0x4
#define FDT_END 0x9

#define FDT_MAX_DEPTH 32
/* Spec §2.3.5: what a client assumes when a parent has no #address-cells / #size-cells. */
#define FDT_DEFAULT_ADDRESS_CELLS 2
#define FDT_DEFAULT_SIZE_CELLS 1

const void *boot_setup_data(uint32_t type, uint32_t *len) {
  uint64_t at = boot_info.setup_data;
  for (unsigned i = 0; at && i < SETUP_DATA_MAX_NODES; i++) {
    const struct setup_data *sd = (const struct setup_data *)(uintptr_t)at;
    if (sd->type == type) {
      if (len) *len = sd->len;
      return sd->data;
    }
    at = sd->next;
  }
  return NULL;
}

uint32_t fdt32(const void *p) {
  const uint8_t *b = p;
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

#define HDR(fdt, field) fdt32((const uint8_t *)(fdt) + offsetof(struct fdt_header, field))

static bool inside(uint32_t off, uint32_t size, uint32_t total) { return off <= total && size <= total - off; }

bool fdt_check(const void *fdt, uint32_t max_size) {
  if (max_size < sizeof(struct fdt_header) || HDR(fdt, magic) != FDT_MAGIC) return false;
  uint32_t total = HDR(fdt, totalsize);
  if (total > max_size || total < sizeof(struct fdt_header)) return false;
  if (HDR(fdt, version) < FDT_VERSION || HDR(fdt, last_comp_version) > FDT_VERSION) return false;
  return inside(HDR(fdt, off_dt_struct), HDR(fdt, size_dt_struct), total) &&
         inside(HDR(fdt, off_dt_strings), HDR(fdt, size_dt_strings), total) && (HDR(fdt, off_dt_struct) & 3) == 0;
}

static const uint8_t *struct_block(const void *fdt) { return (const uint8_t *)fdt + HDR(fdt, off_dt_struct); }

static uint32_t align4(uint32_t n) { return (n + 3) & ~3u; }

/* The token at `off` and where the next one starts; FDT_END for the end or anything out of bounds. */
static uint32_t token(const void *fdt, int off, int *next) {
  const uint8_t *st = struct_block(fdt);
  uint32_t size = HDR(fdt, size_dt_struct);
  if (off < 0 || (uint32_t)off > size || size - (uint32_t)off < 4) return FDT_END;
  uint32_t at = (uint32_t)off + 4;
  uint32_t tag = fdt32(st + off);
  switch (tag) {
    case FDT_BEGIN_NODE:
      while (at < size && st[at]) at++;
      if (at >= size) return FDT_END;
      at = align4(at + 1);
      break;
    case FDT_PROP: {
      if (size - at < 8) return FDT_END;
      uint32_t len = fdt32(st + at);
      if (len > size - at - 8) return FDT_END;
      at = align4(at + 8 + len);
      break;
    }
    case FDT_END_NODE:
    case FDT_NOP:
      break;
    default:
      return FDT_END;
  }
  if (at > size) return FDT_END;
  *next = (int)at;
  return tag;
}

/* The next node in document order after `node` (FDT_NONE: the root). With `depth`, tracks the depth
 * relative to `node` and stops once the walk leaves it; without, runs to the end of the tree. */
static int next_node(const void *fdt, int node, int *depth) {
  int off = node == FDT_NONE ? 0 : node, next = 0;
  if (node != FDT_NONE) {
    if (token(fdt, off, &next) != FDT_BEGIN_NODE) return FDT_NONE;
    off = next;
  }
  for (;;) {
    uint32_t tag = token(fdt, off, &next);
    switch (tag) {
      case FDT_BEGIN_NODE:
        if (depth && node != FDT_NONE) ++*depth;
        return off;
      case FDT_END_NODE:
        if (depth && --*depth < 0) return FDT_NONE;
        break;
      case FDT_PROP:
      case FDT_NOP:
        break;
      default:
        return FDT_NONE;
    }
    off = next;
  }
}

const void *fdt_prop(const void *fdt, int node, const char *name, uint32_t *len) {
  int off = 0, next = 0;
  if (token(fdt, node, &off) != FDT_BEGIN_NODE) return NULL;
  const char *strings = (const char *)fdt + HDR(fdt, off_dt_strings);
  uint32_t strings_size = HDR(fdt, size_dt_strings);
  size_t name_len = strlen(name);
  const uint8_t *st = struct_block(fdt);
  /* Properties come before subnodes (spec §5.4.2), so the first other token ends the list. */
  for (;;) {
    uint32_t tag = token(fdt, off, &next);
    if (tag == FDT_PROP) {
      uint32_t nameoff = fdt32(st + off + 8);
      if (nameoff < strings_size && strings_size - nameoff > name_len &&
          strncmp(strings + nameoff, name, name_len + 1) == 0) {
        if (len) *len = fdt32(st + off + 4);
        return st + off + 12;
      }
    } else if (tag != FDT_NOP) {
      return NULL;
    }
    off = next;
  }
}

uint32_t fdt_prop_u32(const void *fdt, int node, const char *name, uint32_t fallback) {
  uint32_t len = 0;
  const void *p = fdt_prop(fdt, node, name, &len);
  return p && len == 4 ? fdt32(p) : fallback;
}

bool fdt_has_compatible(const void *fdt, int node, const char *compatible) {
  uint32_t len = 0;
  const char *list = fdt_prop(fdt, node, "compatible", &len);
  if (!list) return false;
  size_t want = strlen(compatible);
  /* A stringlist: NUL-terminated strings back to back. */
  for (uint32_t at = 0; at < len;) {
    uint32_t n = 0;
    while (at + n < len && list[at + n]) n++;
    if (n == want && strncmp(list + at, compatible, want) == 0) return true;
    at += n + 1;
  }
  return false;
}

int fdt_find_compatible(const void *fdt, int after, const char *compatible) {
  for (int node = next_node(fdt, after, NULL); node != FDT_NONE; node = next_node(fdt, node, NULL))
    if (fdt_has_compatible(fdt, node, compatible)) return node;
  return FDT_NONE;
}

int fdt_node_by_phandle(const void *fdt, uint32_t phandle) {
  /* 0 and 0xffffffff are never valid phandles (spec §2.3.3); 0 is also the "absent" fallback below. */
  if (phandle == 0 || phandle == 0xffffffffu) return FDT_NONE;
  for (int node = next_node(fdt, FDT_NONE, NULL); node != FDT_NONE; node = next_node(fdt, node, NULL)) {
    if (fdt_prop_u32(fdt, node, "phandle", 0) == phandle) return node;
    if (fdt_prop_u32(fdt, node, "linux,phandle", 0) == phandle) return node;
  }
  return FDT_NONE;
}

int fdt_parent(const void *fdt, int node) {
  int stack[FDT_MAX_DEPTH];
  int depth = 0;
  for (int off = next_node(fdt, FDT_NONE, &depth); off != FDT_NONE; off = next_node(fdt, off, &depth)) {
    if (depth >= FDT_MAX_DEPTH) return FDT_NONE;
    stack[depth] = off;
    if (off == node) return depth > 0 ? stack[depth - 1] : FDT_NONE;
  }
  return FDT_NONE;
}

static bool read_cells(const uint8_t *p, uint32_t cells, uint64_t *out) {
  if (cells > 2) return false;
  uint64_t v = 0;
  for (uint32_t i = 0; i < cells; i++) v = v << 32 | fdt32(p + 4 * i);
  *out = v;
  return true;
}

bool fdt_reg(const void *fdt, int node, unsigned index, uint64_t *addr, uint64_t *size) {
  int parent = fdt_parent(fdt, node);
  if (parent == FDT_NONE) return false;
  uint32_t ac = fdt_prop_u32(fdt, parent, "#address-cells", FDT_DEFAULT_ADDRESS_CELLS);
  uint32_t sc = fdt_prop_u32(fdt, parent, "#size-cells", FDT_DEFAULT_SIZE_CELLS);
  if (ac > 2 || sc > 2) return false;
  uint32_t len = 0;
  const uint8_t *reg = fdt_prop(fdt, node, "reg", &len);
  uint32_t entry = 4 * (ac + sc);
  if (!reg || entry == 0 || len / entry <= index) return false;
  reg += (size_t)entry * index;
  return read_cells(reg, ac, addr) && read_cells(reg + 4 * ac, sc, size);
}

int fdt_interrupt_parent(const void *fdt, int node) {
  for (int n = node; n != FDT_NONE; n = fdt_parent(fdt, n)) {
    uint32_t len = 0;
    const void *p = fdt_prop(fdt, n, "interrupt-parent", &len);
    if (p && len == 4) return fdt_node_by_phandle(fdt, fdt32(p));
  }
  return FDT_NONE;
}
