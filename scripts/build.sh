#!/bin/sh
# Configures (once) and builds Reprise in the source tree: ./reprise at the top.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
    autoreconf -fi >/dev/null
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
    ./configure --quiet
fi
make -j"$(nproc)" >/dev/null
