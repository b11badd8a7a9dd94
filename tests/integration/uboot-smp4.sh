#!/bin/sh
# The typed U-Boot session of uboot-typed.sh on four harts.
SMP=4 exec "$(dirname "$0")/uboot-typed.sh"
