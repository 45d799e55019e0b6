#!/usr/bin/env bash
# Fetch a stock Debian 6.12 cloud kernel and build a busybox initramfs for booting real Linux under bothy.
# Produces DIR/bzImage, DIR/vmlinux (the ELF inside the bzImage's zstd payload) and DIR/initramfs.cpio.gz.
#
# Usage: scripts/fetch-linux.sh [DIR]        (default: <repo>/.cache/linux, git-ignored)
# Env:   BOTHY_LINUX_PACKAGE  exact kernel package to use (default: what linux-image-6.12-cloud-amd64 depends on)
#
# Nothing is installed from the kernel or busybox packages: they are fetched with `apt-get download` and unpacked
# with `dpkg-deb -x`. Missing tools (zstd, and cpio when busybox cannot write an archive) are installed with
# apt-get when running as root. Each step is skipped when its output already exists; delete DIR to start over.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$REPO_ROOT/.cache/linux}"
META_PACKAGE="linux-image-6.12-cloud-amd64"

say() { printf 'fetch-linux: %s\n' "$*" >&2; }
die() { printf 'fetch-linux: error: %s\n' "$*" >&2; exit 1; }

need_cmd() { command -v "$1" >/dev/null 2>&1; }

is_root() { [ "$(id -u)" = 0 ]; }

APT_UPDATED=0
apt_update_once() {
  [ "$APT_UPDATED" = 1 ] && return 0
  is_root || return 1
  say "running apt-get update"
  apt-get update -qq >&2 || die "apt-get update failed; check the machine's apt sources and network"
  APT_UPDATED=1
}

# Install a Debian package providing tool $1 (package $2) when the tool is missing.
ensure_tool() {
  local tool="$1" pkg="$2"
  need_cmd "$tool" && return 0
  is_root || die "'$tool' is not installed and this is not root: run 'apt-get install $pkg' first"
  say "installing $pkg (for $tool)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2; then
    apt_update_once
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2 || die "apt-get install $pkg failed"
  fi
  need_cmd "$tool" || die "installed $pkg but '$tool' is still not on PATH"
}

# The exact versioned kernel package: BOTHY_LINUX_PACKAGE, else the meta-package's dependency, else the newest
# linux-image-6.12.*-cloud-amd64 apt knows (bookworm-security carries them; backports names them +bpo).
pkg_known() { [ -n "$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2}')" ]; }

resolve_kernel_package() {
  if [ -n "${BOTHY_LINUX_PACKAGE:-}" ]; then
    printf '%s\n' "$BOTHY_LINUX_PACKAGE"
    return 0
  fi
  local attempt pkg
  for attempt in 1 2; do
    if pkg_known "$META_PACKAGE"; then
      pkg="$(apt-cache depends "$META_PACKAGE" 2>/dev/null \
        | awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.12\.[0-9]+.*-cloud-amd64$/ {print $2; exit}')"
      if [ -n "$pkg" ]; then printf '%s\n' "$pkg"; return 0; fi
    fi
    pkg="$(apt-cache pkgnames linux-image-6.12. 2>/dev/null \
      | grep -E '^linux-image-6\.12\.[0-9]+\+[a-z0-9.~]+-cloud-amd64$' | sort -V | tail -n 1 || true)"
    if [ -n "$pkg" ]; then printf '%s\n' "$pkg"; return 0; fi
    [ "$attempt" = 1 ] && is_root && apt_update_once || break
  done
  return 1
}

# Download package $1 into $2 and unpack it into $3.
fetch_and_unpack() {
  local pkg="$1" dl="$2" root="$3" deb
  mkdir -p "$dl" "$root"
  deb="$(find "$dl" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)"
  if [ -z "$deb" ]; then
    say "downloading $pkg"
    # _apt cannot write into a root-owned cache dir; apt falls back to downloading as root and warns.
    if ! (cd "$dl" && apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed' >&2; exit "${PIPESTATUS[0]}"); then
      apt_update_once || true
      (cd "$dl" && apt-get download -q "$pkg" >&2) \
        || die "apt-get download $pkg failed; is it in the apt sources? (apt-cache policy $pkg)"
    fi
    deb="$(find "$dl" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)"
    [ -n "$deb" ] || die "apt-get download $pkg produced no .deb in $dl"
  fi
  say "unpacking $(basename "$deb")"
  dpkg-deb -x "$deb" "$root" || die "dpkg-deb -x $deb failed"
}

# Little-endian unsigned integer of $3 bytes at offset $2 of file $1.
read_le() { od -An -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' \n'; }

# ----------------------------------------------------------------------------------------------------------------

need_cmd apt-get || die "apt-get not found: this script needs a Debian-family machine"
need_cmd dpkg-deb || die "dpkg-deb not found"
need_cmd gzip || die "gzip not found"
mkdir -p "$DIR" || die "cannot create $DIR"
DIR="$(cd "$DIR" && pwd)"
WORK="$DIR/work"

# 1. bzImage
if [ -s "$DIR/bzImage" ]; then
  say "bzImage present, skipping the kernel download ($(cat "$DIR/linux-package.txt" 2>/dev/null || echo unknown package))"
else
  KPKG="$(resolve_kernel_package)" \
    || die "no linux-image-6.12.*-cloud-amd64 package in the apt sources (Debian 12 has them in bookworm-security); set BOTHY_LINUX_PACKAGE to an exact package name"
  say "kernel package: $KPKG"
  rm -rf "$WORK/kernel-root"
  fetch_and_unpack "$KPKG" "$WORK/debs" "$WORK/kernel-root"
  VMLINUZ="$(find "$WORK/kernel-root/boot" -maxdepth 1 -name 'vmlinuz-*' -print -quit 2>/dev/null || true)"
  [ -n "$VMLINUZ" ] || die "$KPKG has no /boot/vmlinuz-*"
  cp "$VMLINUZ" "$DIR/bzImage.tmp" && mv "$DIR/bzImage.tmp" "$DIR/bzImage"
  CONFIG="$(find "$WORK/kernel-root/boot" -maxdepth 1 -name 'config-*' -print -quit 2>/dev/null || true)"
  [ -n "$CONFIG" ] && cp "$CONFIG" "$DIR/config"
  printf '%s\n' "$KPKG" > "$DIR/linux-package.txt"
  rm -rf "$WORK/kernel-root"
  say "wrote $DIR/bzImage ($(stat -c %s "$DIR/bzImage") bytes)"
fi

# 2. vmlinux: the zstd payload named by the setup header (Documentation/arch/x86/boot.rst: setup_sects at 0x1f1,
# "HdrS" at 0x202, version at 0x206, payload_offset at 0x248 and payload_length at 0x24c, both relative to the
# protected-mode kernel). The payload ends with the uncompressed size (4 bytes, little-endian), which is not
# part of the zstd frame.
if [ -s "$DIR/vmlinux" ]; then
  say "vmlinux present, skipping extraction"
else
  ensure_tool zstd zstd
  BZ="$DIR/bzImage"
  [ "$(od -An -c -j 0x202 -N 4 "$BZ" | tr -d ' \n')" = "HdrS" ] || die "$BZ has no Linux setup header (HdrS at 0x202)"
  VERSION="$(read_le "$BZ" $((0x206)) 2)"
  [ "$VERSION" -ge $((0x208)) ] || die "$BZ boot protocol $(printf '%#x' "$VERSION") predates payload_offset (2.08)"
  SETUP_SECTS="$(read_le "$BZ" $((0x1f1)) 1)"
  [ "$SETUP_SECTS" = 0 ] && SETUP_SECTS=4
  PM_START=$(( (SETUP_SECTS + 1) * 512 ))
  PAYLOAD_OFFSET=$(( PM_START + $(read_le "$BZ" $((0x248)) 4) ))
  PAYLOAD_LENGTH="$(read_le "$BZ" $((0x24c)) 4)"
  MAGIC="$(od -An -t x1 -j "$PAYLOAD_OFFSET" -N 4 "$BZ" | tr -d ' \n')"
  if [ "$MAGIC" != "28b52ffd" ]; then
    # Not where the header says: fall back to the first zstd frame magic in the file.
    say "no zstd magic at the header's payload offset $PAYLOAD_OFFSET (found $MAGIC); scanning for 28 b5 2f fd"
    PAYLOAD_OFFSET="$(grep -obUaP '\x28\xb5\x2f\xfd' "$BZ" | head -n 1 | cut -d: -f1 || true)"
    [ -n "$PAYLOAD_OFFSET" ] || die "$BZ holds no zstd frame; only zstd-compressed kernels are supported"
    PAYLOAD_LENGTH=$(( $(stat -c %s "$BZ") - PAYLOAD_OFFSET ))
  fi
  say "zstd payload at offset $PAYLOAD_OFFSET, $PAYLOAD_LENGTH bytes"
  EXPECTED_SIZE="$(read_le "$BZ" $(( PAYLOAD_OFFSET + PAYLOAD_LENGTH - 4 )) 4)"
  dd if="$BZ" bs=1M iflag=skip_bytes,count_bytes skip="$PAYLOAD_OFFSET" count="$(( PAYLOAD_LENGTH - 4 ))" status=none \
    | zstd -d -q -c > "$DIR/vmlinux.tmp" || { rm -f "$DIR/vmlinux.tmp"; die "zstd could not decompress the payload of $BZ"; }
  [ "$(od -An -t x1 -N 4 "$DIR/vmlinux.tmp" | tr -d ' \n')" = "7f454c46" ] \
    || { rm -f "$DIR/vmlinux.tmp"; die "the decompressed payload is not an ELF file"; }
  ACTUAL_SIZE="$(stat -c %s "$DIR/vmlinux.tmp")"
  [ "$ACTUAL_SIZE" = "$EXPECTED_SIZE" ] \
    || { rm -f "$DIR/vmlinux.tmp"; die "vmlinux is $ACTUAL_SIZE bytes but the payload trailer says $EXPECTED_SIZE"; }
  mv "$DIR/vmlinux.tmp" "$DIR/vmlinux"
  say "wrote $DIR/vmlinux ($ACTUAL_SIZE bytes)"
fi

# 3. initramfs: busybox-static and an /init that proves userspace ran, then powers off.
if [ -s "$DIR/initramfs.cpio.gz" ]; then
  say "initramfs.cpio.gz present, skipping"
else
  BUSYBOX="$WORK/busybox-root/bin/busybox"
  if [ ! -x "$BUSYBOX" ]; then
    rm -rf "$WORK/busybox-root"
    fetch_and_unpack busybox-static "$WORK/debs" "$WORK/busybox-root"
    [ -x "$BUSYBOX" ] || die "busybox-static has no executable /bin/busybox"
  fi
  ROOT="$WORK/initramfs-root"
  rm -rf "$ROOT"
  mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,tmp,etc,root}
  cp "$BUSYBOX" "$ROOT/bin/busybox"
  for applet in sh mount echo cat ls uname dmesg sleep poweroff reboot; do
    ln -s busybox "$ROOT/bin/$applet"
  done
  # The kernel's built-in initramfs already supplies /dev/console; a real node here makes that independent of
  # the kernel's configuration (needs root; harmless to skip otherwise).
  if is_root; then mknod -m 600 "$ROOT/dev/console" c 5 1; fi
  cat > "$ROOT/init" <<'EOF'
#!/bin/busybox sh
# bothy's Linux boot probe: prove userspace runs, report the kernel's uptime, power off.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
read -r up idle < /proc/uptime
echo "INIT-REACHED uptime=${up}"
/bin/busybox poweroff -f
# Without a power-off method the kernel returns here; a forced reboot still ends the VM (reboot=k).
/bin/busybox reboot -f
EOF
  chmod 755 "$ROOT/init"
  if need_cmd cpio; then
    CPIO=(cpio)
  elif "$BUSYBOX" cpio --help 2>&1 | grep -q -- '-o'; then
    CPIO=("$BUSYBOX" cpio)
  else
    ensure_tool cpio cpio
    CPIO=(cpio)
  fi
  (cd "$ROOT" && find . -print0 | LC_ALL=C sort -z | "${CPIO[@]}" -o -H newc -0 -R 0:0 2>/dev/null) \
    | gzip -9 -n > "$DIR/initramfs.cpio.gz.tmp" \
    || { rm -f "$DIR/initramfs.cpio.gz.tmp"; die "building the initramfs archive failed (${CPIO[*]} -o -H newc)"; }
  mv "$DIR/initramfs.cpio.gz.tmp" "$DIR/initramfs.cpio.gz"
  rm -rf "$ROOT"
  say "wrote $DIR/initramfs.cpio.gz ($(stat -c %s "$DIR/initramfs.cpio.gz") bytes)"
fi

say "ready: $DIR/bzImage $DIR/vmlinux $DIR/initramfs.cpio.gz"
