#!/bin/sh
# Install every Debian 12 package Reprise needs to build, test and benchmark.
# Idempotent: packages already present are left alone. Run as root.
set -eu

PKGS="
  build-essential autoconf automake libtool pkg-config
  liblz4-dev libcbor-dev libcapstone-dev libfdt-dev libglib2.0-dev libslirp-dev
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  qemu-system-misc opensbi u-boot-qemu
  device-tree-compiler
  clang libclang-rt-14-dev
  linux-source-6.1 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  bc bison flex cpio xz-utils e2fsprogs socat
"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "setup: all packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages:$missing" >&2
    echo "setup: run this script as root to install them" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
echo "setup: installed$missing"
