#!/usr/bin/env bash
# Installs the Debian packages bothy's build and tests use: gcc/binutils (micro-guests), acpica-tools
# (iasl/acpiexec oracles for the ACPI tables), device-tree-compiler (dtc/fdtget for DTBs).
# Pass --bench to add what the benchmarks compare against (qemu-system-x86).
set -euo pipefail

packages=(gcc binutils acpica-tools device-tree-compiler)
if [[ "${1:-}" == "--bench" ]]; then packages+=(qemu-system-x86); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all present (${packages[*]})"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then sudo=(sudo); else
    echo "install-deps: need root to install: ${missing[*]} (run: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
