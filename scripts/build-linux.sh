#!/bin/sh
# Builds Reprise's Linux guest: a kernel from Debian's linux-source-6.1 with
# the configuration in linux/reprise.config, and an initramfs holding
# linux/init.c (a static test init). Results are cached outside the work
# tree, under $REPRISE_CACHE (default ~/.cache/reprise), in a folder named by
# the hash of everything that goes into them, so only the first run pays the
# kernel's build time. Prints the folder holding Image and initramfs.cpio.
#
#   scripts/build-linux.sh            build (or reuse) and print the folder
#   scripts/build-linux.sh --print    print the folder only if already built
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${REPRISE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reprise}
src_tar=/usr/src/linux-source-6.1.tar.xz
cross=riscv64-linux-gnu-
jobs=$(nproc 2>/dev/null || echo 2)
# The same inputs give the same image, wherever and whenever it is built.
export KBUILD_BUILD_TIMESTAMP="2024-01-01 00:00:00 UTC" KBUILD_BUILD_USER=reprise \
    KBUILD_BUILD_HOST=reprise KBUILD_BUILD_VERSION=1

die() { echo "build-linux: $*" >&2; exit 1; }

# Each part is keyed by its inputs and by the part of this script that
# builds it, so changing one part does not rebuild the other.
part() { sed -n "/^# The $1[.:]/,/^# The $2[.:]/p" "$here/scripts/build-linux.sh"; }
key=$( (cat "$here/linux/reprise.config"; part kernel initramfs;
        ls -l "$src_tar" 2>/dev/null | awk '{print $5}') | sha256sum | cut -c1-16)
kout="$cache/linux-$key"
ikey=$( (cat "$here/linux/init.c"; part initramfs END) | sha256sum | cut -c1-16)
iout="$cache/initramfs-$ikey"

if [ "${1:-}" = "--print" ]; then
    [ -f "$kout/Image" ] && [ -f "$iout/initramfs.cpio" ] || exit 1
    echo "$kout $iout"
    exit 0
fi

[ -f "$src_tar" ] || die "$src_tar is missing; run scripts/setup.sh (package linux-source-6.1)"
command -v ${cross}gcc >/dev/null || die "${cross}gcc is missing; run scripts/setup.sh (package gcc-riscv64-linux-gnu)"
mkdir -p "$cache"

# The kernel.
if [ ! -f "$kout/Image" ]; then
    tree="$cache/linux-source-6.1"
    if [ ! -f "$tree/.reprise-unpacked" ]; then
        echo "build-linux: unpacking $src_tar" >&2
        rm -rf "$tree"
        tar -C "$cache" -xJf "$src_tar"
        touch "$tree/.reprise-unpacked"
    fi
    obj="$kout.obj"
    rm -rf "$obj"; mkdir -p "$obj"
    echo "build-linux: configuring the kernel in $obj" >&2
    make -s -C "$tree" O="$obj" ARCH=riscv CROSS_COMPILE=$cross tinyconfig >/dev/null
    "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
        "$here/linux/reprise.config" >/dev/null
    make -s -C "$tree" O="$obj" ARCH=riscv CROSS_COMPILE=$cross olddefconfig >/dev/null
    # Every line of the fragment must have survived: a silently dropped
    # option would give a kernel that does not match the file.
    missing=0
    while IFS= read -r line; do
        case "$line" in
            "# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
                if grep -q "^$opt=" "$obj/.config"; then
                    echo "build-linux: $opt is set, the fragment says not" >&2; missing=1; fi ;;
            CONFIG_*) if ! grep -qxF "$line" "$obj/.config"; then
                    echo "build-linux: $line did not stick" >&2; missing=1; fi ;;
        esac
    done < "$here/linux/reprise.config"
    [ $missing -eq 0 ] || die "linux/reprise.config does not apply cleanly"
    echo "build-linux: building the kernel with $jobs jobs (a few minutes, once)" >&2
    start=$(date +%s)
    make -s -C "$tree" O="$obj" ARCH=riscv CROSS_COMPILE=$cross -j"$jobs" Image >&2
    mkdir -p "$kout.new"
    cp "$obj/arch/riscv/boot/Image" "$obj/vmlinux" "$obj/.config" "$kout.new/"
    rm -rf "$kout"; mv "$kout.new" "$kout"; rm -rf "$obj"
    echo "build-linux: kernel built in $(( $(date +%s) - start )) s" >&2
fi

# The initramfs: /init and the folders it mounts on; fixed times, owners
# and inode numbers, so the archive is the same wherever it is built.
if [ ! -f "$iout/initramfs.cpio" ]; then
    rm -rf "$iout.new"; mkdir -p "$iout.new/root/dev" "$iout.new/root/proc" \
        "$iout.new/root/sys" "$iout.new/root/mnt" "$iout.new/root/tmp"
    ${cross}gcc -static -Os -Wall -Wextra -o "$iout.new/root/init" "$here/linux/init.c"
    ${cross}strip "$iout.new/root/init"
    find "$iout.new/root" -exec touch -h -d "2024-01-01 00:00:00 UTC" {} +
    (cd "$iout.new/root" && find . | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet) > "$iout.new/initramfs.cpio"
    rm -rf "$iout"; mv "$iout.new" "$iout"
fi

echo "$kout $iout"
