# Bare-metal RISC-V guest tests (make fragment).
# Included by the top-level Makefile.am (which defines RISCV_CC, srcdir and
# TESTS); also usable on its own from any build directory:
#   make -f SRC/tests/guest/guest.mk srcdir=SRC guest-tests   # build
#   make -f SRC/tests/guest/guest.mk srcdir=SRC guest-check   # run (QEMU or $REPRISE)
# Each test is one source file, tests/guest/NAME.S (assembly, our runtime
# only) or tests/guest/NAME.c (C with picolibc), linked with lib/ into
# tests/guest/NAME.elf in the build tree.  Needs GNU make.

GUEST_TESTS = \
	tests/guest/rv64i_alu.elf tests/guest/rv64i_mem.elf \
	tests/guest/rv64i_branch.elf tests/guest/rv64m.elf \
	tests/guest/rv64a.elf tests/guest/rv64f.elf tests/guest/rv64d.elf \
	tests/guest/rvc.elf tests/guest/zicsr.elf tests/guest/traps.elf \
	tests/guest/fencei.elf tests/guest/libc.elf \
	tests/guest/priv_trap.elf tests/guest/priv_mmu.elf \
	tests/guest/priv_pmp.elf tests/guest/priv_timer.elf \
	tests/guest/rr_input.elf tests/guest/rr_wfi.elf tests/guest/rr_rtc.elf \
	tests/guest/randinsn.elf tests/guest/fpfast.elf
# Guests that need devices on the command line: built with the others but
# not run by run-guest.sh (nor globbed by rr-guests.sh and
# diff-qemu-guests.sh, which skip tests/guest/virtio_*.elf); their own
# scripts run them (virtio_robust: run-virtio.sh, and
# tests/integration/virtio-rr.sh under record and replay).
GUEST_DEVICE_TESTS = tests/guest/virtio_robust.elf
# virtio_net needs a user-mode network: run-net.sh runs it, and
# tests/integration/net-rr.sh under record and replay.
GUEST_NET_TESTS = tests/guest/virtio_net.elf
GUEST_ELFS = $(GUEST_TESTS) $(GUEST_DEVICE_TESTS) $(GUEST_NET_TESTS)

# Defaults for a standalone run; under automake these come from configure.
GUEST_TOP = $(if $(srcdir),$(srcdir),.)
GUEST_SRC = $(GUEST_TOP)/tests/guest
GUEST_CC = $(if $(RISCV_CC),$(RISCV_CC),riscv64-unknown-elf-gcc)

GUEST_ARCH = -march=rv64gc -mabi=lp64d -mcmodel=medany
GUEST_FLAGS = $(GUEST_ARCH) -static -nostartfiles -g -O2 -Wall -Wextra \
	-ffreestanding -fno-tree-loop-distribute-patterns \
	-I$(GUEST_SRC)/lib -T $(GUEST_SRC)/lib/link.ld
GUEST_RT = $(GUEST_SRC)/lib/crt0.S $(GUEST_SRC)/lib/rt.c
GUEST_DEPS = $(GUEST_RT) $(GUEST_SRC)/lib/rt.h $(GUEST_SRC)/lib/test.h \
	$(GUEST_SRC)/lib/fp.h $(GUEST_SRC)/lib/priv.h $(GUEST_SRC)/lib/privrt.S \
	$(GUEST_SRC)/lib/virt.h \
	$(GUEST_SRC)/lib/link.ld $(GUEST_SRC)/lib/picostdio.c

# Assembly tests: our runtime and nothing else.
tests/guest/%.elf: $(GUEST_SRC)/%.S $(GUEST_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_FLAGS) -nostdlib -o $@ $(GUEST_RT) $< -lgcc

# C tests: our runtime plus picolibc (stdio goes to our UART).
tests/guest/%.elf: $(GUEST_SRC)/%.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CC) --specs=picolibc.specs $(GUEST_FLAGS) -o $@ $(GUEST_RT) \
		$(GUEST_SRC)/lib/picostdio.c $< -lm

guest-tests: $(GUEST_ELFS)

# Run every guest on $REPRISE (or $QEMU when REPRISE is empty).
guest-check: $(GUEST_ELFS)
	@fail=0; for t in $(GUEST_TESTS); do \
		$(GUEST_SRC)/run-guest.sh $$t || fail=1; \
	done; for t in $(GUEST_DEVICE_TESTS); do \
		$(GUEST_SRC)/run-virtio.sh $$t || fail=1; \
	done; for t in $(GUEST_NET_TESTS); do \
		$(GUEST_SRC)/run-net.sh $$t || fail=1; \
	done; exit $$fail

# Compare $REPRISE with QEMU on every guest.
guest-diff: $(GUEST_TESTS)
	$(GUEST_SRC)/diff-qemu.sh $(GUEST_TESTS)

guest-clean:
	rm -f $(GUEST_ELFS)

.PHONY: guest-tests guest-check guest-diff guest-clean

# Automake test-harness wiring (harmless when standalone, where GNU make
# treats '+=' on an unset variable as '=').  The harness runs each
# tests/guest/NAME.elf through run-guest.sh (TEST_EXTENSIONS has .elf in
# Makefile.am), which picks $REPRISE or QEMU; check_DATA gets the ELFs
# built before any test runs.  Makefile.am sets TESTS, CLEANFILES and
# check_DATA with '=' before including this, as automake requires.
ELF_LOG_COMPILER = $(srcdir)/tests/guest/run-guest.sh
TESTS += $(GUEST_TESTS)
check_DATA += $(GUEST_ELFS)
CLEANFILES += $(GUEST_ELFS)
