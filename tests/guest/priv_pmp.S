/* Physical memory protection: entries in TOR, NA4 and NAPOT form (8-byte
 * and 4 KiB NAPOT), S- and U-mode loads, stores and fetches allowed and
 * denied by R/W/X (access faults 5/7/1, delegated to S so stval and sepc
 * can be checked); the lowest-numbered matching entry deciding, in both
 * directions; an access that straddles an entry's edge failing even when a
 * later entry covers all of it; no match denying S and U (with entries
 * active, and with none at all); PMP checking the page-table walk of a
 * translated access as an S-mode read; M-mode unaffected by unlocked
 * entries; and, last because nothing but reset undoes it, the lock bit:
 * M-mode held to a locked entry's permissions, locked pmpcfg and pmpaddr
 * ignoring writes, a locked TOR entry freezing the address below it.
 * Assumes QEMU's virt with -m 128M and 16 PMP entries. */
#include "test.h"
#include "priv.h"

#define REG		0x87000000	/* test region, outside the image */
#define MARK		0x6d61726b
#define P_R		0x01
#define P_W		0x02
#define P_X		0x04
#define P_TOR		0x08
#define P_NA4		0x10
#define P_NAPOT		0x18
#define P_L		0x80
#define NAPOT(base, size)	(((base) >> 2) | (((size) >> 3) - 1))

/* pmpcfg byte of entry i (0-7 in pmpcfg0, 8-15 in pmpcfg2); uses a0, a1 */
#define SET_CFG0(i, cfg)					\
	csrr a0, pmpcfg0;					\
	li a1, ~(0xff << (8 * (i)));				\
	and a0, a0, a1;						\
	li a1, (cfg) << (8 * (i));				\
	or a0, a0, a1;						\
	csrw pmpcfg0, a0
#define SET_CFG2(i, cfg)					\
	csrr a0, pmpcfg2;					\
	li a1, ~(0xff << (8 * ((i) - 8)));			\
	and a0, a0, a1;						\
	li a1, (cfg) << (8 * ((i) - 8));			\
	or a0, a0, a1;						\
	csrw pmpcfg2, a0
#define SET_ADDR(i, val)					\
	li a0, val;						\
	csrw pmpaddr##i, a0

/* Probes as in priv_mmu.S: mpp = MSTATUS_MPP_S or 0 (U; the image is
 * allowed to both, PMP does not tell them apart); access faults are
 * delegated to S. */
#define PROBE(mpp, probe, va)					\
	li a1, va;						\
	li a2, 0x5757;						\
	li a0, MARK;						\
	S_TRAP_ARM;						\
	RUN_LOWER(mpp, probe);					\
	mv s2, a0;						\
	S_TRAP_DISARM;						\
	CHECK_TRAP(MCAUSE, (8 + ((mpp) >> 11)), "probe of ", #va, " ends with its ecall")

#define OK(mpp, probe, va, ...)					\
	PROBE(mpp, probe, va);					\
	CHECK_STRAP(COUNT, 0, __VA_ARGS__, ": allowed")

#define LOAD_OK(mpp, probe, va, exp, ...)			\
	OK(mpp, probe, va, __VA_ARGS__);			\
	CHECK_IMM(s2, exp, __VA_ARGS__, ": value")

#define DENIED(mpp, probe, cause, va, ...)			\
	PROBE(mpp, probe, va);					\
	CHECK_STRAP(COUNT, 1, __VA_ARGS__, ": one fault");	\
	CHECK_STRAP(SCAUSE, cause, __VA_ARGS__, ": access fault"); \
	li t5, va;						\
	CHECK_STRAP_REG(STVAL, t5, __VA_ARGS__);		\
	CHECK_STRAP_LABEL(SEPC, probe, __VA_ARGS__)

#define LOAD_DENIED(mpp, probe, va, ...)			\
	DENIED(mpp, probe, 5, va, __VA_ARGS__);			\
	CHECK_IMM(s2, MARK, __VA_ARGS__, ": rd not written")
#define STORE_DENIED(mpp, probe, va, ...)			\
	DENIED(mpp, probe, 7, va, __VA_ARGS__)

#define FETCH_OK(mpp, va, ...)					\
	PROBE(mpp, probe_jalr, va);				\
	CHECK_STRAP(COUNT, 0, __VA_ARGS__, ": allowed");	\
	CHECK_IMM(s2, 0x5a, __VA_ARGS__, ": the code ran")

#define FETCH_DENIED(mpp, va, ...)				\
	S_TRAP_RESUME_AT(probe_ret);				\
	PROBE(mpp, probe_jalr, va);				\
	CHECK_STRAP(COUNT, 1, __VA_ARGS__, ": one fault");	\
	CHECK_STRAP(SCAUSE, 1, __VA_ARGS__, ": instruction access fault"); \
	li t5, va;						\
	CHECK_STRAP_REG(STVAL, t5, __VA_ARGS__);		\
	CHECK_STRAP_REG(SEPC, t5, __VA_ARGS__);			\
	CHECK_IMM(s2, MARK, __VA_ARGS__, ": nothing ran")

/* An M-mode access under the armed vector; s2 = a0 afterwards. */
#define M_ACCESS(va, ...)					\
	li a1, va;						\
	li a2, 0x6666;						\
	li a0, MARK;						\
	TRAP_ARM;						\
	__VA_ARGS__;						\
	TRAP_DISARM;						\
	mv s2, a0

#define S	MSTATUS_MPP_S

TEST_BEGIN("priv_pmp")
	csrw	satp, zero
	csrw	mideleg, zero
	csrw	medeleg, zero
	S_TRAP_INIT
	li	a1, MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SIE
	csrc	mstatus, a1
	csrw	pmpcfg0, zero
	csrw	pmpcfg2, zero

	/* ---- no entry active: S may not even fetch ---- */
	RUN_LOWER(S, probe_ld)
	/* The spec: with PMP implemented and no entry matching, S and U
	 * accesses fail, so the fetch at probe_ld faults (cause 1, to M).
	 * QEMU 7.2 refuses the mret itself when no entry is active (illegal
	 * instruction). */
	CHECK_TRAP(COUNT, 1, "no PMP entry active: S gets nowhere")
	la	t6, rt_trap
	ld	a0, RT_TRAP_MCAUSE(t6)
	CHECK_ONE_OF(a0, 1, 2, "no PMP entry active: S fetch fault (spec) or mret refused (QEMU 7.2)")

	/* ---- the entries that let S and U run at all: the image, the
	 * UART and the finisher (for reporting) ---- */
	SET_ADDR(15, NAPOT(0x80000000, 0x4000000))
	SET_CFG2(15, P_NAPOT | P_R | P_W | P_X)
	SET_ADDR(14, NAPOT(0x10000000, 0x1000))
	SET_CFG2(14, P_NAPOT | P_R | P_W)
	SET_ADDR(13, NAPOT(0x100000, 0x1000))
	SET_CFG2(13, P_NAPOT | P_R | P_W)
	csrr	a0, pmpaddr15
	CHECK_IMM(a0, NAPOT(0x80000000, 0x4000000), "pmpaddr15 reads back")
	csrr	a0, pmpcfg2
	srli	a0, a0, 40
	CHECK_IMM(a0, 0x1f1b1b, "pmpcfg2 entries 13-15 read back")
	li	a1, (1 << 1) | (1 << 5) | (1 << 7)	/* access faults to S */
	csrw	medeleg, a1

	/* the region's contents: REG+0: "li a0, 0x5a; ret"; data after */
	li	a0, REG
	li	a1, 0x0000806705a00513
	sd	a1, 0(a0)
	li	a1, 0x1111
	sd	a1, 0x10(a0)
	li	a1, 0x2222
	li	a0, REG + 0x1000
	sd	a1, 0(a0)
	li	a1, 0x33333333
	li	a0, REG + 0x2000
	sw	a1, 0(a0)
	li	a1, 0x44444444
	sw	a1, 4(a0)
	li	a1, 0x5555
	li	a0, REG + 0x3000
	sd	a1, 0(a0)
	sd	a1, 8(a0)
	fence.i

	/* ---- no match: REG is covered by no entry yet ---- */
	LOAD_DENIED(S, probe_ld, REG + 0x10, "no entry matches: S load")
	STORE_DENIED(S, probe_sd, REG + 0x10, "no entry matches: S store")
	FETCH_DENIED(S, REG, "no entry matches: S fetch")
	LOAD_DENIED(0, probe_ld, REG + 0x10, "no entry matches: U load")
	M_ACCESS(REG + 0x10, ld a0, 0(a1))
	CHECK_TRAP(COUNT, 0, "no entry matches: M load is fine")
	CHECK_IMM(s2, 0x1111, "no entry matches: M load")

	/* ---- TOR: entry 1 = [pmpaddr0 << 2, pmpaddr1 << 2) ---- */
	SET_ADDR(0, REG >> 2)			/* entry 0 stays OFF */
	SET_ADDR(1, (REG + 0x1004) >> 2)
	SET_CFG0(1, P_TOR | P_R)
	LOAD_OK(S, probe_ld, REG + 0x10, 0x1111, "TOR R: S load")
	STORE_DENIED(S, probe_sd, REG + 0x10, "TOR R: S store")
	FETCH_DENIED(S, REG, "TOR R: S fetch")
	LOAD_OK(0, probe_ld, REG + 0xff8, 0, "TOR R: U load at the top dword")
	LOAD_OK(S, probe_lw, REG + 0x1000, 0x2222, "TOR R: S lw of the last word")
	LOAD_DENIED(S, probe_ld, REG + 0x1000, "TOR: ld straddling the top (4 of 8 bytes inside)")
	LOAD_DENIED(S, probe_lw, REG + 0x1004, "TOR: lw just past the top")
	LOAD_DENIED(S, probe_lw, REG - 4, "TOR: lw just below the bottom")
	M_ACCESS(REG + 0x18, sd a2, 0(a1))
	CHECK_TRAP(COUNT, 0, "TOR R (unlocked): M store is fine")
	SET_CFG0(1, P_TOR | P_R | P_W)
	OK(S, probe_sd, REG + 0x18, "TOR RW: S store")
	li	a0, REG
	ld	a0, 0x18(a0)
	CHECK_IMM(a0, 0x5757, "TOR RW: the S store landed")
	OK(0, probe_sd, REG + 0x20, "TOR RW: U store")
	FETCH_DENIED(0, REG, "TOR RW: U fetch")
	SET_CFG0(1, P_TOR | P_X)
	FETCH_OK(S, REG, "TOR X: S fetch")
	FETCH_OK(0, REG, "TOR X: U fetch")
	LOAD_DENIED(S, probe_ld, REG + 0x10, "TOR X: S load")
	STORE_DENIED(0, probe_sd, REG + 0x10, "TOR X: U store")
	/* pmpaddr0 >= pmpaddr1: the TOR entry matches nothing */
	SET_CFG0(1, 0)
	SET_ADDR(0, (REG + 0x2000) >> 2)
	SET_CFG0(1, P_TOR | P_R | P_W | P_X)	/* (QEMU 7.2 recomputes entry
				 * 1 on its own writes, not on pmpaddr0's) */
	LOAD_DENIED(S, probe_ld, REG + 0x10, "TOR with bottom > top: matches nothing")
	SET_CFG0(1, 0)
	SET_ADDR(0, 0)
	SET_ADDR(1, 0)

	/* ---- NA4 and NAPOT, and priority ---- */
	SET_ADDR(2, (REG + 0x2000) >> 2)
	SET_CFG0(2, P_NA4 | P_R | P_W)		/* 4 bytes at REG+0x2000: RW */
	LOAD_OK(S, probe_lw, REG + 0x2000, 0x33333333, "NA4 RW: S lw")
	OK(S, probe_sw, REG + 0x2000, "NA4 RW: S sw")
	LOAD_DENIED(S, probe_lw, REG + 0x2004, "NA4: the next word is not covered")
	LOAD_DENIED(S, probe_ld, REG + 0x2000, "NA4: ld covers 4 bytes more than the entry")
	SET_ADDR(3, NAPOT(REG + 0x2000, 0x1000))
	SET_CFG0(3, P_NAPOT | P_R)		/* 4K at REG+0x2000: R */
	csrr	a0, pmpaddr3
	CHECK_IMM(a0, ((REG + 0x2000) >> 2) | 0x1ff, "NAPOT 4K: pmpaddr encoding")
	LOAD_OK(S, probe_lw, REG + 0x2004, 0x44444444, "NAPOT R: S lw next to the NA4 entry")
	STORE_DENIED(S, probe_sw, REG + 0x2004, "NAPOT R: S sw")
	OK(S, probe_sw, REG + 0x2000, "priority: NA4 RW (entry 2) over NAPOT R (entry 3): sw")
	LOAD_DENIED(S, probe_ld, REG + 0x2000, "straddle: entry 2 matches half the ld, entry 3 all of it")
	LOAD_OK(S, probe_ld, REG + 0x2ff8, 0, "NAPOT R: S ld at its last dword")
	LOAD_DENIED(S, probe_lw, REG + 0x3100, "NAPOT: past its end")
	SET_ADDR(4, (REG + 0x2010) >> 2)
	SET_CFG0(4, P_NA4 | P_R | P_W)
	STORE_DENIED(S, probe_sw, REG + 0x2010, "priority: NAPOT R (entry 3) over NA4 RW (entry 4): sw")
	SET_CFG0(3, 0)
	OK(S, probe_sw, REG + 0x2010, "entry 3 off: NA4 RW (entry 4) decides")
	/* the smallest NAPOT: 8 bytes (pmpaddr ends in 0) */
	SET_ADDR(5, NAPOT(REG + 0x3000, 8))
	SET_CFG0(5, P_NAPOT | P_R)
	csrr	a0, pmpaddr5
	CHECK_IMM(a0, (REG + 0x3000) >> 2, "NAPOT 8: pmpaddr encoding")
	LOAD_OK(S, probe_ld, REG + 0x3000, 0x5555, "NAPOT 8 R: S ld")
	LOAD_OK(0, probe_lw, REG + 0x3004, 0, "NAPOT 8 R: U lw of its upper half")
	LOAD_DENIED(S, probe_ld, REG + 0x3008, "NAPOT 8: the next dword")
	STORE_DENIED(0, probe_sd, REG + 0x3000, "NAPOT 8 R: U store")
	csrw	pmpcfg0, zero

	/* ---- the page-table walk is checked as an S-mode read ---- */
	la	a0, pt_root
	li	a1, (0x80000000 >> 12 << 10) | 0xcf	/* 1G RWX A D V */
	sd	a1, 16(a0)		/* root[2]: identity for RAM */
	srli	a0, a0, 12
	li	a1, SATP_SV39
	or	a0, a0, a1
	csrw	satp, a0
	sfence.vma
	la	a1, walk_data
	TRAP_ARM
	li	t6, MSTATUS_MPP
	csrc	mstatus, t6
	li	t6, MSTATUS_MPP_S | MSTATUS_MPRV
	csrs	mstatus, t6
	ld	a0, 0(a1)
	li	t6, MSTATUS_MPRV
	csrc	mstatus, t6
	TRAP_DISARM
	CHECK_TRAP(COUNT, 0, "walk allowed: MPRV load through Sv39")
	CHECK_IMM(a0, 0x7777, "walk allowed: MPRV load through Sv39")
	la	a0, pt_root
	srli	a0, a0, 2
	ori	a0, a0, 0x1ff		/* NAPOT over the 4K root */
	csrw	pmpaddr6, a0
	SET_CFG0(6, P_NAPOT)		/* no permissions */
	sfence.vma
	la	a1, walk_data
	li	a0, MARK
	TRAP_ARM
	li	t6, MSTATUS_MPP
	csrc	mstatus, t6
	li	t6, MSTATUS_MPP_S | MSTATUS_MPRV
	csrs	mstatus, t6
	ld	a0, 0(a1)
	li	t6, MSTATUS_MPRV
	csrc	mstatus, t6
	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "walk denied by PMP")
	CHECK_TRAP(MCAUSE, 5, "walk denied by PMP: a load access fault, not a page fault")
	CHECK_TRAP_REG(MTVAL, a1, "walk denied by PMP: mtval = the virtual address")
	CHECK_IMM(a0, MARK, "walk denied by PMP: rd not written")
	csrw	satp, zero
	sfence.vma
	SET_CFG0(6, 0)

	/* ---- the lock bit ---- */
	SET_ADDR(7, (REG + 0x5000) >> 2)
	SET_CFG0(7, P_L | P_NA4 | P_R)
	M_ACCESS(REG + 0x5000, lw a0, 0(a1))
	CHECK_TRAP(COUNT, 0, "locked NA4 R: M load")
	M_ACCESS(REG + 0x5000, sw a2, 0(a1))
	CHECK_TRAP(COUNT, 1, "locked NA4 R: M store faults")
	CHECK_TRAP(MCAUSE, 7, "locked NA4 R: M store")
	CHECK_TRAP(MTVAL, REG + 0x5000, "locked NA4 R: M store")
	M_ACCESS(REG + 0x5004, sw a2, 0(a1))
	CHECK_TRAP(COUNT, 0, "locked NA4: M store to the next word (no match)")
	M_ACCESS(REG + 0x5000, ld a0, 0(a1))
	CHECK_TRAP(MCAUSE, 5, "locked NA4: M ld straddling it faults")
	STORE_DENIED(S, probe_sw, REG + 0x5000, "locked NA4 R: S store")
	LOAD_OK(S, probe_lw, REG + 0x5000, 0, "locked NA4 R: S load")
	/* a locked entry ignores writes to its pmpcfg byte and pmpaddr */
	SET_CFG0(7, P_NA4 | P_R | P_W | P_X)
	csrr	a0, pmpcfg0
	srli	a0, a0, 56
	CHECK_IMM(a0, P_L | P_NA4 | P_R, "locked: pmpcfg byte unchanged")
	SET_ADDR(7, (REG + 0x6000) >> 2)
	csrr	a0, pmpaddr7
	CHECK_IMM(a0, (REG + 0x5000) >> 2, "locked: pmpaddr unchanged")
	/* a locked TOR entry freezes the address below it too */
	SET_ADDR(8, (REG + 0x6000) >> 2)
	SET_ADDR(9, (REG + 0x6010) >> 2)
	SET_CFG2(9, P_L | P_TOR | P_R | P_W)
	SET_ADDR(8, (REG + 0x7000) >> 2)
	csrr	a0, pmpaddr8
	CHECK_IMM(a0, (REG + 0x6000) >> 2, "locked TOR 9: pmpaddr8 unchanged")
	M_ACCESS(REG + 0x6008, sd a2, 0(a1))
	CHECK_TRAP(COUNT, 0, "locked TOR RW: M store")
	li	a0, REG + 0x6000
	li	a1, 0x00008067		/* ret */
	sw	a1, 0(a0)
	fence.i
	li	a1, REG + 0x6000
	TRAP_ARM
	TRAP_RESUME_AT(1f)
	jalr	ra, 0(a1)
1:	TRAP_DISARM
	CHECK_TRAP(COUNT, 1, "locked TOR RW: M fetch faults")
	CHECK_TRAP(MCAUSE, 1, "locked TOR RW: M fetch")
	CHECK_TRAP(MTVAL, REG + 0x6000, "locked TOR RW: M fetch")
	csrw	medeleg, zero
TEST_END

	.balign	4
probe_ld:
	ld	a0, 0(a1)
	ecall
probe_lw:
	lwu	a0, 0(a1)
	ecall
probe_sd:
	sd	a2, 0(a1)
	ecall
probe_sw:
	sw	a2, 0(a1)
	ecall
probe_jalr:
	jalr	ra, 0(a1)
probe_ret:
	ecall

	.data
	.balign	8
walk_data:
	.dword	0x7777
	.bss
	.balign	4096
pt_root:
	.zero	4096
	.text

#include "privrt.S"
