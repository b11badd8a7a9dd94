# Benchmark guests and `make bench` (make fragment, GNU make).
# Included by the top-level Makefile.am, which defines RISCV_CC, QEMU, CC,
# srcdir and abs_top_builddir; also usable on its own from any directory:
#   make -f SRC/bench/bench.mk srcdir=SRC bench-guests     # build the guests
#   make -f SRC/bench/bench.mk srcdir=SRC bench            # run (REPRISE=./reprise)
#   make -f SRC/bench/bench.mk srcdir=SRC bench-host-check # checksums on the host
# Each guest is bench/NAME.c, linked with bench/lib/ into bench/NAME.elf in
# the build tree. Choose guests with BENCH_ONLY="intmix fp", runs with
# BENCH_RUNS=N, sections with BENCH_SECTIONS="cpu boot rr plugins linux" (see suite.sh).
# Only BENCH_* names are defined here.

BENCH_NAMES = intmix memcpy interp fp
BENCH_ELFS = $(BENCH_NAMES:%=bench/%.elf)
BENCH_PLUGIN = bench/qemu-icount.so
BENCH_PLUGCOST = bench/plugcost.so
BENCH_CONWATCH = bench/conwatch

# Defaults for a standalone run; under automake these come from configure.
BENCH_TOP = $(if $(srcdir),$(srcdir),.)
BENCH_SRC = $(BENCH_TOP)/bench
BENCH_CC = $(if $(RISCV_CC),$(RISCV_CC),riscv64-unknown-elf-gcc)
BENCH_HOSTCC = $(if $(CC),$(CC),cc)
BENCH_QEMU = $(if $(QEMU),$(QEMU),qemu-system-riscv64)
BENCH_BUILD = $(if $(abs_top_builddir),$(abs_top_builddir),$(CURDIR))
BENCH_REPRISE = $(if $(REPRISE),$(REPRISE),$(BENCH_BUILD)/reprise$(EXEEXT))
# Under automake, `make bench` builds Reprise first; standalone it runs
# whatever $(BENCH_REPRISE) is, and run.sh says so if it is missing.
BENCH_REPRISE_DEP = $(if $(abs_top_builddir),reprise$(EXEEXT))

BENCH_COPTS = -O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -Wall -Wextra \
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
	-ffp-contract=off -fno-math-errno -I$(BENCH_SRC)/lib
BENCH_LINKOPTS = -nostdlib -nostartfiles -static -T $(BENCH_SRC)/lib/link.ld
BENCH_RT = $(BENCH_SRC)/lib/crt0.S $(BENCH_SRC)/lib/bench.c
BENCH_DEPS = $(BENCH_RT) $(BENCH_SRC)/lib/bench.h $(BENCH_SRC)/lib/link.ld

bench/%.elf: $(BENCH_SRC)/%.c $(BENCH_DEPS)
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_COPTS) $(BENCH_LINKOPTS) -o $@ $(BENCH_RT) $< -lgcc

# Host plugin giving QEMU its own instruction count (plugin API v1, QEMU
# 6.0-8.x); run.sh carries on without it if it cannot be built or loaded.
$(BENCH_PLUGIN): $(BENCH_SRC)/qemu-icount.c
	@mkdir -p $(@D)
	-$(BENCH_HOSTCC) -O2 -shared -fPIC -o $@ $<

# The plugin whose cost the plugins section measures, in Reprise and in
# QEMU: built against Reprise's header at API version 1 (what QEMU 6.0-8.x
# loads); the section says so and skips if it cannot be built.
$(BENCH_PLUGCOST): $(BENCH_SRC)/plugcost.c $(BENCH_TOP)/include/reprise/qemu-plugin.h
	@mkdir -p $(@D)
	-$(BENCH_HOSTCC) -O2 -Wall -shared -fPIC -I$(BENCH_TOP)/include/reprise -o $@ $<

# Host program that times and types at a guest console (boot and session
# sections); they print a note instead of a table if it cannot be built.
$(BENCH_CONWATCH): $(BENCH_SRC)/conwatch.c
	@mkdir -p $(@D)
	-$(BENCH_HOSTCC) -O2 -Wall -o $@ $<

bench-guests: $(BENCH_ELFS)

bench: $(BENCH_ELFS) $(BENCH_PLUGIN) $(BENCH_PLUGCOST) $(BENCH_CONWATCH) $(BENCH_REPRISE_DEP)
	REPRISE='$(BENCH_REPRISE)' QEMU='$(BENCH_QEMU)' BENCH_DIR=bench \
	BENCH_RUNS='$(if $(BENCH_RUNS),$(BENCH_RUNS),3)' \
	BENCH_SECTIONS='$(if $(BENCH_SECTIONS),$(BENCH_SECTIONS),cpu boot record session qemurr plugins linux)' \
	BENCH_SRCDIR='$(BENCH_TOP)' \
	$(SHELL) $(BENCH_SRC)/suite.sh $(BENCH_ONLY)

# The same kernels compiled natively: real hardware must agree with the
# EXPECTED checksums (useful after changing a benchmark).
bench-host-check:
	@mkdir -p bench
	@fail=0; for g in $(BENCH_NAMES); do \
		$(BENCH_HOSTCC) -O2 -DBENCH_HOST -ffp-contract=off -fno-math-errno \
			-fno-tree-loop-distribute-patterns -I$(BENCH_SRC)/lib \
			-o bench/$$g.host $(BENCH_SRC)/lib/bench.c $(BENCH_SRC)/$$g.c -lm && \
		./bench/$$g.host || fail=1; \
		rm -f bench/$$g.host; \
	done; exit $$fail

bench-clean:
	rm -f $(BENCH_ELFS) $(BENCH_PLUGIN) $(BENCH_PLUGCOST) $(BENCH_CONWATCH)

.PHONY: bench bench-guests bench-host-check bench-clean

CLEANFILES += $(BENCH_ELFS) $(BENCH_PLUGIN) $(BENCH_PLUGCOST) $(BENCH_CONWATCH)
