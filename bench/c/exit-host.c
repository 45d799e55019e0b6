/* exit-host: the smallest KVM host that boots a bothy micro-guest ELF the way bothy's 64-bit entry does
 * (PT_LOAD at p_paddr, long mode set up by the host, RSI = zero page), the C baseline of bench/. Handles
 * only what the micro-guest runtime touches outside the in-kernel irqchip: COM1, port 0x80, the test-exit
 * port 0x500. Usage: exit-host [-v] [-m MiB] [-t seconds] ELF [CMDLINE]. Exit status = the guest's code. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The boot contract (src/arch/x86_64/layout.ts): same addresses as bothy, so the guest runs the same code. */
#define BOOT_GDT 0x500
#define BOOT_IDT 0x520
#define ZERO_PAGE 0x7000
#define BOOT_STACK 0x8ff0
#define PML4 0x9000
#define PDPT 0xa000
#define PD0 0xb000
#define CMDLINE 0x20000
#define CMDLINE_MAX 2048
#define EBDA_START 0x9fc00
#define RSDP_ADDR 0xe0000
#define HIMEM 0x100000
#define KVM_TSS 0xfffbd000
#define KVM_IDENTITY_MAP 0xfffbc000

/* struct boot_params offsets (Documentation/arch/x86/zero-page.rst). */
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_E820_ENTRIES 0x1e8
#define ZP_CMD_LINE_PTR 0x228
#define ZP_CMDLINE_SIZE 0x238
#define ZP_E820_TABLE 0x2d0

#define E820_RAM 1
#define E820_RESERVED 2

#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_THRE_TEMT 0x60
#define PORT_POST 0x80
#define PORT_TEST_EXIT 0x500

#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NX (1u << 11)
#define PTE_P 1ull
#define PTE_RW 2ull
#define PTE_US 4ull
#define PTE_PS 0x80ull

static int verbose;

static void die(const char *what) {
  fprintf(stderr, "exit-host: %s: %s\n", what, strerror(errno));
  exit(120);
}

static void fail(const char *fmt, const char *arg) {
  fprintf(stderr, "exit-host: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  exit(121);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t load_elf(uint8_t *ram, size_t ram_size, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(path);
  struct stat st;
  if (fstat(fd, &st) < 0) die("fstat");
  uint8_t *f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (f == MAP_FAILED) die("mmap ELF");
  close(fd);
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
  if ((size_t)st.st_size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_machine != EM_X86_64)
    fail("%s is not an x86-64 ELF64 file", path);
  size_t headers_end = eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
  for (unsigned i = 0; i < eh->e_phnum; i++) {
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(f + eh->e_phoff + i * sizeof(Elf64_Phdr));
    if (ph->p_type != PT_LOAD || ph->p_memsz == 0) continue;
    /* ld -Ttext can emit a PT_LOAD holding only the ELF headers a page below .text: bothy skips it too. */
    if (ph->p_paddr < HIMEM && ph->p_offset == 0 && ph->p_filesz == ph->p_memsz && ph->p_filesz <= headers_end) continue;
    if (ph->p_paddr < HIMEM || ph->p_paddr + ph->p_memsz > ram_size || ph->p_offset + ph->p_filesz > (uint64_t)st.st_size)
      fail("%s: a PT_LOAD segment is outside [1 MiB, RAM end) or the file", path);
    memcpy(ram + ph->p_paddr, f + ph->p_offset, ph->p_filesz);
    /* The rest of memsz is .bss: anonymous guest RAM is already zero. */
  }
  uint64_t entry = eh->e_entry;
  munmap(f, st.st_size);
  return entry;
}

static void put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static void e820_add(uint8_t *zp, uint64_t addr, uint64_t size, uint32_t type) {
  uint8_t *e = zp + ZP_E820_TABLE + 20 * zp[ZP_E820_ENTRIES]++;
  put_u64(e, addr);
  put_u64(e + 8, size);
  put_u32(e + 16, type);
}

static void write_boot_structures(uint8_t *ram, size_t ram_size, const char *cmdline) {
  uint64_t gdt[5] = {0, 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull, 0x00808b0000000000ull | 0x000f00000000ffffull};
  memcpy(ram + BOOT_GDT, gdt, sizeof gdt);
  memset(ram + BOOT_IDT, 0, 8);

  put_u64(ram + PML4, PDPT | PTE_P | PTE_RW | PTE_US);
  for (uint64_t d = 0; d < 4; d++) {
    put_u64(ram + PDPT + 8 * d, (PD0 + 0x1000 * d) | PTE_P | PTE_RW | PTE_US);
    for (uint64_t i = 0; i < 512; i++)
      put_u64(ram + PD0 + 0x1000 * d + 8 * i, ((d * 512 + i) << 21) | PTE_P | PTE_RW | PTE_US | PTE_PS);
  }

  size_t len = strlen(cmdline);
  if (len >= CMDLINE_MAX) fail("command line longer than %s bytes", "2047");
  memcpy(ram + CMDLINE, cmdline, len + 1);

  /* An RSDP with no root table: the runtime then skips its ACPI walk (and its BIOS-area scan, ~8k emulated
   * iterations). There is no FADT, so a guest that powers off falls back to the test-exit port. */
  uint8_t *r = ram + RSDP_ADDR;
  memcpy(r, "RSD PTR ", 8);
  memcpy(r + 9, "BOTHYB", 6);
  uint8_t sum = 0;
  for (int i = 0; i < 20; i++) sum += r[i];
  r[8] = (uint8_t)-sum;

  uint8_t *zp = ram + ZERO_PAGE;
  memset(zp, 0, 4096);
  put_u64(zp + ZP_ACPI_RSDP_ADDR, RSDP_ADDR);
  put_u32(zp + ZP_CMD_LINE_PTR, CMDLINE);
  put_u32(zp + ZP_CMDLINE_SIZE, (uint32_t)len);
  e820_add(zp, 0, EBDA_START, E820_RAM);
  e820_add(zp, EBDA_START, RSDP_ADDR + 0x1000 - EBDA_START, E820_RESERVED);
  e820_add(zp, HIMEM, ram_size - HIMEM, E820_RAM);
}

static struct kvm_segment segment(uint16_t sel, uint8_t type, uint8_t l, uint8_t db) {
  return (struct kvm_segment){
      .base = 0, .limit = 0xffffffff, .selector = sel, .type = type, .present = 1, .dpl = 0, .db = db, .s = 1, .l = l, .g = 1};
}

static void setup_vcpu(int kvm, int vcpu, uint64_t entry) {
  struct kvm_cpuid2 *cpuid = calloc(1, sizeof *cpuid + 256 * sizeof(struct kvm_cpuid_entry2));
  cpuid->nent = 256;
  if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) die("KVM_GET_SUPPORTED_CPUID");
  if (ioctl(vcpu, KVM_SET_CPUID2, cpuid) < 0) die("KVM_SET_CPUID2");
  free(cpuid);

  struct kvm_sregs s;
  if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0) die("KVM_GET_SREGS");
  s.cs = segment(0x10, 0xb, 1, 0);
  s.ds = s.es = s.fs = s.gs = s.ss = segment(0x18, 0x3, 0, 1);
  s.tr = segment(0x20, 0xb, 0, 0);
  s.tr.s = 0;
  s.gdt = (struct kvm_dtable){.base = BOOT_GDT, .limit = 5 * 8 - 1};
  s.idt = (struct kvm_dtable){.base = BOOT_IDT, .limit = 7};
  s.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
  s.cr3 = PML4;
  s.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
  s.efer = EFER_LME | EFER_LMA | EFER_NX | EFER_SCE;
  if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0) die("KVM_SET_SREGS");

  struct kvm_regs r = {.rip = entry, .rsi = ZERO_PAGE, .rsp = BOOT_STACK, .rbp = BOOT_STACK, .rflags = 2};
  if (ioctl(vcpu, KVM_SET_REGS, &r) < 0) die("KVM_SET_REGS");
}

int main(int argc, char **argv) {
  double t0 = now_ms();
  size_t mem_mib = 256;
  unsigned timeout_s = 0;
  int opt;
  while ((opt = getopt(argc, argv, "vm:t:")) != -1) {
    if (opt == 'v') verbose = 1;
    else if (opt == 'm') mem_mib = strtoul(optarg, NULL, 10);
    else if (opt == 't') timeout_s = strtoul(optarg, NULL, 10);
    else fail("usage: exit-host [-v] [-m MiB] [-t seconds] ELF [CMDLINE]%s", "");
  }
  if (optind >= argc || mem_mib < 2 || mem_mib > 3072) fail("usage: exit-host [-v] [-m MiB] [-t seconds] ELF [CMDLINE]%s", "");
  const char *elf = argv[optind];
  const char *cmdline = optind + 1 < argc ? argv[optind + 1] : "";
  /* Unbuffered, as bothy and QEMU write the console: a byte reaches the reader when the guest sends it. */
  setvbuf(stdout, NULL, _IONBF, 0);
  /* SIGALRM's default action ends the process: the watchdog for a guest that never exits. */
  if (timeout_s) alarm(timeout_s);

  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) die("/dev/kvm");
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) die("KVM_CREATE_VM");
  if (ioctl(vm, KVM_SET_TSS_ADDR, KVM_TSS) < 0) die("KVM_SET_TSS_ADDR");
  uint64_t idmap = KVM_IDENTITY_MAP;
  if (ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0) die("KVM_SET_IDENTITY_MAP_ADDR");
  if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0) die("KVM_CREATE_IRQCHIP");
  struct kvm_pit_config pit = {.flags = 0};
  if (ioctl(vm, KVM_CREATE_PIT2, &pit) < 0) die("KVM_CREATE_PIT2");

  size_t ram_size = mem_mib << 20;
  uint8_t *ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED) die("mmap guest RAM");
  struct kvm_userspace_memory_region region = {.slot = 0, .guest_phys_addr = 0, .memory_size = ram_size, .userspace_addr = (uint64_t)ram};
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) die("KVM_SET_USER_MEMORY_REGION");

  uint64_t entry = load_elf(ram, ram_size, elf);
  write_boot_structures(ram, ram_size, cmdline);

  int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu < 0) die("KVM_CREATE_VCPU");
  int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (run_size < 0) die("KVM_GET_VCPU_MMAP_SIZE");
  struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
  if (run == MAP_FAILED) die("mmap kvm_run");
  setup_vcpu(kvm, vcpu, entry);

  double t_run = now_ms(), t_first_byte = 0;
  uint64_t exits = 0, post = 0;
  for (;;) {
    if (ioctl(vcpu, KVM_RUN, 0) < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      die("KVM_RUN");
    }
    exits++;
    switch (run->exit_reason) {
      case KVM_EXIT_IO: {
        uint8_t *data = (uint8_t *)run + run->io.data_offset;
        uint16_t port = run->io.port;
        if (run->io.direction == KVM_EXIT_IO_OUT) {
          if (port == PORT_POST) post += run->io.count;
          else if (port == COM1) {
            if (!t_first_byte) t_first_byte = now_ms();
            fwrite(data, run->io.size, run->io.count, stdout);
          } else if (port == PORT_TEST_EXIT && run->io.size == 4) {
            uint32_t code;
            memcpy(&code, data, 4);
            if (verbose)
              fprintf(stderr, "exit-host: setup %.3f ms, first KVM_RUN to first byte %.3f ms, run %.3f ms, %lu exits (%lu to port 0x80)\n",
                      t_run - t0, t_first_byte ? t_first_byte - t_run : -1.0, now_ms() - t_run, exits, post);
            return (int)(code & 0xff);
          }
        } else {
          /* A PC's unclaimed ports read as all-ones; the UART always has room. */
          memset(data, port == COM1 + UART_LSR ? UART_LSR_THRE_TEMT : 0xff, (size_t)run->io.size * run->io.count);
        }
        break;
      }
      case KVM_EXIT_MMIO:
        fprintf(stderr, "exit-host: unhandled MMIO %s at 0x%llx\n", run->mmio.is_write ? "write" : "read", (unsigned long long)run->mmio.phys_addr);
        return 122;
      case KVM_EXIT_INTR:
        break;
      case KVM_EXIT_SYSTEM_EVENT:
        return 0;
      default:
        fprintf(stderr, "exit-host: unexpected exit reason %u\n", run->exit_reason);
        return 123;
    }
  }
}
