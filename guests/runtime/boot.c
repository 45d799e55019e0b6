/* Boot information normalized from either the Linux zero page (Documentation/arch/x86/zero-page.rst)
 * or the PVH hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h), plus command-line parsing. */
#include "internal.h"

/* struct boot_params offsets. */
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_E820_ENTRIES 0x1e8
#define ZP_CMD_LINE_PTR 0x228
#define ZP_SETUP_DATA 0x250
#define ZP_E820_TABLE 0x2d0
#define ZP_E820_MAX 128

struct boot_e820_entry {
  uint64_t addr;
  uint64_t size;
  uint32_t type;
} __attribute__((packed));

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578
struct hvm_start_info {
  uint32_t magic;
  uint32_t version;
  uint32_t flags;
  uint32_t nr_modules;
  uint64_t modlist_paddr;
  uint64_t cmdline_paddr;
  uint64_t rsdp_paddr;
  uint64_t memmap_paddr; /* version >= 1 */
  uint32_t memmap_entries;
  uint32_t reserved;
};
struct hvm_memmap_table_entry {
  uint64_t addr;
  uint64_t size;
  uint32_t type;
  uint32_t reserved;
};

#define CMDLINE_MAX 2048

struct boot_info boot_info;
/* Copied, so later users of low memory (the AP trampoline) cannot clobber it. */
static char cmdline_copy[CMDLINE_MAX];

static void copy_cmdline(uint64_t addr) {
  size_t n = 0;
  if (addr) {
    const char *src = (const char *)(uintptr_t)addr;
    while (n < CMDLINE_MAX - 1 && src[n]) {
      cmdline_copy[n] = src[n];
      n++;
    }
  }
  cmdline_copy[n] = 0;
}

static void add_range(uint64_t addr, uint64_t size, uint32_t type) {
  if (boot_info.mem_count >= BOOT_MEM_MAX || size == 0) return;
  boot_info.mem[boot_info.mem_count++] = (struct mem_range){addr, size, type};
}

void boot_info_init(uint32_t protocol, uint64_t info) {
  boot_info.protocol = protocol;
  boot_info.cmdline = cmdline_copy;
  if (protocol == BOOT_PROTO_LINUX64 && info) {
    const uint8_t *zp = (const uint8_t *)(uintptr_t)info;
    boot_info.rsdp = *(const uint64_t *)(zp + ZP_ACPI_RSDP_ADDR);
    copy_cmdline(*(const uint32_t *)(zp + ZP_CMD_LINE_PTR));
    boot_info.setup_data = *(const uint64_t *)(zp + ZP_SETUP_DATA);
    unsigned n = zp[ZP_E820_ENTRIES];
    if (n > ZP_E820_MAX) n = ZP_E820_MAX;
    const struct boot_e820_entry *e = (const struct boot_e820_entry *)(zp + ZP_E820_TABLE);
    for (unsigned i = 0; i < n; i++) add_range(e[i].addr, e[i].size, e[i].type);
  } else if (protocol == BOOT_PROTO_PVH && info) {
    const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)info;
    if (si->magic != XEN_HVM_START_MAGIC_VALUE) {
      printf("boot: bad PVH start info magic 0x%x at 0x%lx\n", si->magic, info);
      copy_cmdline(0);
      return;
    }
    boot_info.rsdp = si->rsdp_paddr;
    copy_cmdline(si->cmdline_paddr);
    if (si->version >= 1 && si->memmap_paddr) {
      const struct hvm_memmap_table_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
      for (uint32_t i = 0; i < si->memmap_entries; i++) add_range(e[i].addr, e[i].size, e[i].type);
    }
  } else {
    copy_cmdline(0);
  }
}

const char *e820_type_name(uint32_t type) {
  switch (type) {
    case 1: return "usable";
    case 2: return "reserved";
    case 3: return "ACPI data";
    case 4: return "ACPI NVS";
    case 5: return "unusable";
    case 7: return "persistent";
    default: return "unknown";
  }
}

/* Finds `word` as a whole space-separated token, or as the key of a key=value token. */
static const char *find_token(const char *word, bool with_value) {
  size_t len = strlen(word);
  const char *p = boot_info.cmdline;
  while (*p) {
    while (*p == ' ') p++;
    const char *start = p;
    while (*p && *p != ' ') p++;
    size_t tlen = (size_t)(p - start);
    if (tlen >= len && strncmp(start, word, len) == 0) {
      if (!with_value && tlen == len) return start;
      if (with_value && tlen > len && start[len] == '=') return start + len + 1;
    }
  }
  return NULL;
}

bool cmdline_has_word(const char *word) { return find_token(word, false) != NULL; }

bool cmdline_get_u64(const char *key, uint64_t *out) {
  const char *v = find_token(key, true);
  if (!v) return false;
  uint64_t n = 0;
  unsigned base = 10;
  if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    base = 16;
    v += 2;
  }
  bool any = false;
  for (; *v && *v != ' '; v++) {
    unsigned d;
    if (*v >= '0' && *v <= '9') d = (unsigned)(*v - '0');
    else if (base == 16 && *v >= 'a' && *v <= 'f') d = (unsigned)(*v - 'a' + 10);
    else if (base == 16 && *v >= 'A' && *v <= 'F') d = (unsigned)(*v - 'A' + 10);
    else return false;
    n = n * base + d;
    any = true;
  }
  if (!any) return false;
  *out = n;
  return true;
}
