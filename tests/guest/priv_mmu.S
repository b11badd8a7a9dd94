/* Virtual memory: Sv39 and Sv48 page tables built here, walked by S- and
 * U-mode code and by M-mode loads with MPRV.  Covers 4 KiB pages, 2 MiB
 * and 1 GiB superpages (and a 512 GiB one under Sv48), misaligned
 * superpages; R/W/X permissions, the reserved W-without-R encoding,
 * invalid PTEs, a pointer where a leaf must be, reserved PTE bits (PBMT,
 * N, bit 54; A/D/U on a pointer); the U bit from S with and without SUM,
 * and fetches from U pages in S; U mode against U and non-U pages; MXR;
 * hardware A/D updates (A on any access, D only on stores, nothing on a
 * faulting access), read back from the PTE; page faults delegated to S
 * with scause 12/13/15, sepc and stval = the faulting virtual address
 * (for an instruction straddling two pages, stval = the second page; for
 * a misaligned access across pages, the first byte of the faulting part);
 * non-canonical addresses; sfence.vma making a changed PTE visible to
 * loads and to fetches (including a jump between two virtual pages that
 * alias one physical page); a page table outside RAM; MPRV with MPP = S
 * and U (and SUM, MXR under MPRV); and an Sv48 address that Sv39 would
 * call non-canonical.  Assumes QEMU's virt with -m 128M. */
#include "test.h"
#include "priv.h"

#define VP(i)		(0x40000000 + (i) * 0x1000)	/* the 4K test pages */
#define UA		0x40000000	/* U alias: VA = PA + UA (1G page 3) */
#define NA		0xc0000000	/* non-U 1G alias: VA = PA + NA (page 5) */
#define SP2M		0x40200000	/* 2M page -> BIG2M */
#define SP2M_BAD	0x40400000	/* misaligned 2M page */
#define SP1G_BAD	0x100000000	/* misaligned 1G page (Sv39 root[4]) */
#define BIG2M		0x87c00000	/* 2M of free RAM (QEMU puts the FDT at 0x87e00000) */
#define MARK		0x6d61726b	/* a0 before a probe: "rd not written" */
#define LEAF		(PTE_V | PTE_A | PTE_D)
#define RWX		(PTE_R | PTE_W | PTE_X)
#define PG_MAGIC	0x1122334455667788

/* Probes: the access runs in S (mpp = MSTATUS_MPP_S, off = 0) or in U
 * (mpp = 0, off = UA: the U alias of the image); a1 = va, a2 = data; the
 * probe's ecall brings it back to M.  Page faults are delegated to S,
 * whose handler records them and skips the access. */
#define PROBE(mpp, off, probe, va)				\
	li a1, va;						\
	li a0, MARK;						\
	S_TRAP_ARM;						\
	RUN_LOWER_OFF(mpp, probe, off);				\
	mv s2, a0;						\
	S_TRAP_DISARM;						\
	CHECK_TRAP(MCAUSE, (8 + ((mpp) >> 11)), "probe of ", #va, " ends with its ecall")

#define LOAD_OK(mpp, off, va, exp, ...)				\
	PROBE(mpp, off, probe_ld, va);				\
	CHECK_STRAP(COUNT, 0, __VA_ARGS__, ": no fault");	\
	CHECK_IMM(s2, exp, __VA_ARGS__, ": loaded value")

#define FAULT_CHECKS(cause, va, sepc_label, off, ...)		\
	CHECK_STRAP(COUNT, 1, __VA_ARGS__, ": one fault");	\
	CHECK_STRAP(SCAUSE, cause, __VA_ARGS__);		\
	li t5, va;						\
	CHECK_STRAP_REG(STVAL, t5, __VA_ARGS__);		\
	la t5, sepc_label;					\
	li a5, off;						\
	add t5, t5, a5;						\
	CHECK_STRAP_REG(SEPC, t5, __VA_ARGS__)

#define LOAD_FAULT(mpp, off, va, ...)				\
	PROBE(mpp, off, probe_ld, va);				\
	FAULT_CHECKS(13, va, probe_ld, off, __VA_ARGS__);	\
	CHECK_IMM(s2, MARK, __VA_ARGS__, ": rd not written")

#define STORE_OK(mpp, off, va, val, ...)			\
	li a2, val;						\
	PROBE(mpp, off, probe_sd, va);				\
	CHECK_STRAP(COUNT, 0, __VA_ARGS__, ": no fault")

#define STORE_FAULT(mpp, off, va, ...)				\
	li a2, 0x5757;						\
	PROBE(mpp, off, probe_sd, va);				\
	FAULT_CHECKS(15, va, probe_sd, off, __VA_ARGS__)

#define FETCH_OK(mpp, off, va, exp, ...)			\
	PROBE(mpp, off, probe_jalr, va);			\
	CHECK_STRAP(COUNT, 0, __VA_ARGS__, ": no fault");	\
	CHECK_IMM(s2, exp, __VA_ARGS__, ": the code ran")

#define FETCH_FAULT(mpp, off, va, ...)				\
	S_TRAP_RESUME_AT_OFF(probe_ret, off);			\
	PROBE(mpp, off, probe_jalr, va);			\
	CHECK_STRAP(COUNT, 1, __VA_ARGS__, ": one fault");	\
	CHECK_STRAP(SCAUSE, 12, __VA_ARGS__);			\
	li t5, va;						\
	CHECK_STRAP_REG(STVAL, t5, __VA_ARGS__);		\
	CHECK_STRAP_REG(SEPC, t5, __VA_ARGS__, " (the target)");	\
	CHECK_IMM(s2, MARK, __VA_ARGS__, ": nothing ran")

#define S_MPP	MSTATUS_MPP_S

/* table[idx] = leaf or pointer to pa with flags (uses a0-a3) */
#define SET_PTE(table, idx, pa, flags)				\
	la a0, table;						\
	li a1, idx;						\
	li a2, pa;						\
	li a3, flags;						\
	call set_pte
#define SET_PTE_LA(table, idx, label, flags)			\
	la a0, table;						\
	li a1, idx;						\
	la a2, label;						\
	li a3, flags;						\
	call set_pte

/* a0 = the PTE table[idx] & mask */
#define GET_PTE(table, idx, mask)				\
	la a0, table;						\
	ld a0, 8 * (idx)(a0);					\
	li a1, mask;						\
	and a0, a0, a1

/* M-mode load with MPRV = 1 and the given MPP (and extra mstatus bits):
 * s2 = the value or MARK; the vector is armed around it. */
#define MPRV_LOAD(mppbits, extra, va)				\
	li a1, va;						\
	li a0, MARK;						\
	TRAP_ARM;						\
	li t6, MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR;		\
	csrc mstatus, t6;					\
	li t6, (mppbits) | (extra);				\
	csrs mstatus, t6;					\
	li t6, MSTATUS_MPRV;					\
	csrs mstatus, t6;					\
9785:	ld a0, 0(a1);						\
	li t6, MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR;	\
	csrc mstatus, t6;					\
	TRAP_DISARM;						\
	mv s2, a0;						\
	la s3, 9785b

TEST_BEGIN("priv_mmu")
	/* PMP: everything for everyone */
	li	a1, -1
	csrw	pmpaddr0, a1
	li	a1, 0x1f
	csrw	pmpcfg0, a1
	csrw	mideleg, zero
	li	a1, (1 << 12) | (1 << 13) | (1 << 15)
	csrw	medeleg, a1
	S_TRAP_INIT
	li	a1, MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SIE
	csrc	mstatus, a1

	/* ---- the pages' contents ---- */
	li	a1, PG_MAGIC
	la	a0, pg_d0
	sd	a1, 0(a0)
	li	a1, 0xd1d1
	la	a0, pg_d1
	sd	a1, 0(a0)
	li	a1, 0xd2d2
	la	a0, pg_d2
	sd	a1, 0(a0)
	li	a1, 0xaaaa
	la	a0, pg_da
	sd	a1, 0(a0)
	li	a1, 0xbbbb
	la	a0, pg_db
	sd	a1, 0(a0)
	li	a1, BIG2M
	li	a2, 0x2a2a
	sd	a2, 0x10(a1)
	/* code pages: "li a0, N; ret" at offset 0 (C0, C1) or 8 (C2, C3);
	 * C2 starts with "j .+0x1008": into the next virtual page */
	la	a0, pg_c0
	li	a1, 0x05a00513		/* li a0, 0x5a */
	sw	a1, 0(a0)
	li	a1, 0x00008067		/* ret */
	sw	a1, 4(a0)
	la	a0, pg_c1
	li	a1, 0x05b00513		/* li a0, 0x5b */
	sw	a1, 0(a0)
	li	a1, 0x00008067
	sw	a1, 4(a0)
	la	a0, pg_c2
	li	a1, 0x0080106f		/* jal x0, .+0x1008 */
	sw	a1, 0(a0)
	li	a1, 0x00100513		/* li a0, 1 */
	sw	a1, 8(a0)
	li	a1, 0x00008067
	sw	a1, 12(a0)
	la	a0, pg_c3
	li	a1, 0x00200513		/* li a0, 2 */
	sw	a1, 8(a0)
	li	a1, 0x00008067
	sw	a1, 12(a0)
	fence.i

	/* ---- Sv39 tables ---- */
	SET_PTE(pt39, 0, 0, LEAF | PTE_R | PTE_W)		/* 1G: devices */
	SET_PTE_LA(pt39, 1, pt39_l1, PTE_V)			/* -> 2M/4K */
	SET_PTE(pt39, 2, 0x80000000, LEAF | RWX)		/* 1G: RAM identity */
	SET_PTE(pt39, 3, 0x80000000, LEAF | RWX | PTE_U)	/* 1G: U alias */
	SET_PTE(pt39, 4, 0x80200000, LEAF | RWX)		/* misaligned 1G */
	SET_PTE(pt39, 5, 0x80000000, LEAF | PTE_R | PTE_W)	/* 1G: non-U alias */
	SET_PTE_LA(pt39_l1, 0, pt39_l0, PTE_V)
	SET_PTE(pt39_l1, 1, BIG2M, LEAF | PTE_R | PTE_W)	/* 2M */
	SET_PTE(pt39_l1, 2, BIG2M + 0x1000, LEAF | PTE_R | PTE_W) /* misaligned 2M */
	SET_PTE_LA(pt39_l0, 0, pg_d0, LEAF | PTE_R)
	SET_PTE_LA(pt39_l0, 1, pg_d1, LEAF | PTE_R | PTE_W)
	SET_PTE_LA(pt39_l0, 2, pg_c0, LEAF | PTE_X)
	SET_PTE_LA(pt39_l0, 3, pg_c0, LEAF | PTE_R | PTE_X)
	SET_PTE_LA(pt39_l0, 4, pg_d1, LEAF | PTE_W)		/* reserved */
	SET_PTE_LA(pt39_l0, 5, pg_d1, PTE_R | PTE_W | PTE_A | PTE_D)	/* V = 0 */
	SET_PTE_LA(pt39_l0, 6, pg_d2, LEAF | PTE_R | PTE_W | PTE_U)
	SET_PTE_LA(pt39_l0, 7, pg_c0, LEAF | PTE_R | PTE_X | PTE_U)
	SET_PTE_LA(pt39_l0, 8, pg_d3, PTE_V | PTE_R | PTE_W)	/* A = D = 0 */
	SET_PTE_LA(pt39_l0, 9, pg_d4, PTE_V | PTE_R | PTE_W)
	SET_PTE_LA(pt39_l0, 10, pg_c1, PTE_V | PTE_R | PTE_X)
	SET_PTE_LA(pt39_l0, 11, pg_d0, PTE_V | PTE_R)
	SET_PTE_LA(pt39_l0, 12, pg_da, LEAF | PTE_R | PTE_W)
	SET_PTE_LA(pt39_l0, 13, pg_c2, LEAF | PTE_R | PTE_X)
	SET_PTE_LA(pt39_l0, 14, pg_c2, LEAF | PTE_R | PTE_X)
	SET_PTE_LA(pt39_l0, 15, pg_d0, PTE_V)			/* pointer at level 0 */
	la	a0, pt39
	srli	a0, a0, 12
	li	a1, SATP_SV39
	or	a0, a0, a1
	csrw	satp, a0
	csrr	a1, satp
	CHECK_EQ(a1, a0, "satp = Sv39 | root")
	sfence.vma

	/* ---- superpages ---- */
	/* the S code itself runs through the identity 1G page */
	la	a1, pg_d0
	li	a2, NA
	add	a1, a1, a2		/* pg_d0 through the alias */
	li	a0, MARK
	S_TRAP_ARM
	RUN_LOWER(S_MPP, probe_ld)
	mv	s2, a0
	CHECK_STRAP(COUNT, 0, "1G page alias of pg_d0: no fault")
	CHECK_IMM(s2, PG_MAGIC, "1G page alias of pg_d0")
	LOAD_FAULT(S_MPP, 0, SP1G_BAD + 0x123, "misaligned 1G page: load")
	LOAD_OK(S_MPP, 0, SP2M + 0x10, 0x2a2a, "2M page: load")
	STORE_OK(S_MPP, 0, SP2M + 0x1ff000, 0x2b2b, "2M page: store at its end")
	li	a1, BIG2M + 0x1ff000
	ld	a0, 0(a1)
	CHECK_IMM(a0, 0x2b2b, "2M page: the store reached BIG2M + 0x1ff000")
	LOAD_FAULT(S_MPP, 0, SP2M_BAD + 0x10, "misaligned 2M page: load")
	STORE_FAULT(S_MPP, 0, SP2M_BAD + 0x18, "misaligned 2M page: store")

	/* ---- 4K pages: R, W, X ---- */
	LOAD_OK(S_MPP, 0, VP(0), PG_MAGIC, "R page: load")
	STORE_FAULT(S_MPP, 0, VP(0) + 0x7f8, "R page: store")
	FETCH_FAULT(S_MPP, 0, VP(0), "R page: fetch")
	LOAD_OK(S_MPP, 0, VP(1), 0xd1d1, "RW page: load")
	STORE_OK(S_MPP, 0, VP(1) + 8, 0x1234, "RW page: store")
	la	a0, pg_d1
	ld	a0, 8(a0)
	CHECK_IMM(a0, 0x1234, "RW page: the store reached pg_d1")
	FETCH_FAULT(S_MPP, 0, VP(1), "RW page: fetch")
	FETCH_OK(S_MPP, 0, VP(2), 0x5a, "X page: fetch")
	LOAD_FAULT(S_MPP, 0, VP(2), "X page: load")
	STORE_FAULT(S_MPP, 0, VP(2) + 0x10, "X page: store")
	FETCH_OK(S_MPP, 0, VP(3), 0x5a, "RX page: fetch")
	LOAD_OK(S_MPP, 0, VP(3), 0x0000806705a00513, "RX page: load")
	LOAD_FAULT(S_MPP, 0, VP(4) + 0x20, "W-only PTE (reserved): load")
	STORE_FAULT(S_MPP, 0, VP(4) + 0x20, "W-only PTE (reserved): store")
	LOAD_FAULT(S_MPP, 0, VP(5) + 0x30, "invalid PTE: load")
	STORE_FAULT(S_MPP, 0, VP(5), "invalid PTE: store")
	FETCH_FAULT(S_MPP, 0, VP(5) + 0x40, "invalid PTE: fetch")
	LOAD_FAULT(S_MPP, 0, VP(15), "pointer PTE at level 0: load")
	/* MXR: loads may read X-only pages; stores still may not */
	li	a1, MSTATUS_MXR
	csrs	mstatus, a1
	LOAD_OK(S_MPP, 0, VP(2), 0x0000806705a00513, "X page with MXR: load")
	STORE_FAULT(S_MPP, 0, VP(2), "X page with MXR: store")
	LOAD_FAULT(S_MPP, 0, VP(4), "W-only PTE with MXR: load")
	li	a1, MSTATUS_MXR
	csrc	mstatus, a1
	LOAD_FAULT(S_MPP, 0, VP(2) + 8, "X page after MXR is cleared: load")

	/* ---- the U bit from S ---- */
	LOAD_FAULT(S_MPP, 0, VP(6), "U page from S without SUM: load")
	STORE_FAULT(S_MPP, 0, VP(6), "U page from S without SUM: store")
	li	a1, MSTATUS_SUM
	csrs	mstatus, a1
	LOAD_OK(S_MPP, 0, VP(6), 0xd2d2, "U page from S with SUM: load")
	STORE_OK(S_MPP, 0, VP(6) + 8, 0x77, "U page from S with SUM: store")
	LOAD_OK(S_MPP, 0, VP(7), 0x0000806705a00513, "U RX page from S with SUM: load")
	FETCH_FAULT(S_MPP, 0, VP(7), "U RX page from S with SUM: fetch")
	li	a1, MSTATUS_SUM
	csrc	mstatus, a1
	FETCH_FAULT(S_MPP, 0, VP(7) + 4, "U RX page from S without SUM: fetch")

	/* ---- U mode (its code runs through the U alias) ---- */
	LOAD_OK(0, UA, VP(6), 0xd2d2, "U page from U: load")
	STORE_OK(0, UA, VP(6) + 0x10, 0x78, "U page from U: store")
	FETCH_OK(0, UA, VP(7), 0x5a, "U RX page from U: fetch")
	LOAD_FAULT(0, UA, VP(1), "non-U page from U: load")
	STORE_FAULT(0, UA, VP(1) + 0x10, "non-U page from U: store")
	FETCH_FAULT(0, UA, VP(3), "non-U page from U: fetch")
	li	a1, MSTATUS_SUM		/* SUM does not matter to U */
	csrs	mstatus, a1
	LOAD_FAULT(0, UA, VP(0), "non-U page from U with SUM: load")
	li	a1, MSTATUS_SUM
	csrc	mstatus, a1

	/* ---- hardware A/D updates ---- */
	GET_PTE(pt39_l0, 8, PTE_A | PTE_D)
	CHECK_IMM(a0, 0, "A/D: the PTE starts with A = D = 0")
	LOAD_OK(S_MPP, 0, VP(8), 0, "A/D: load from a page with A = 0")
	GET_PTE(pt39_l0, 8, PTE_A | PTE_D)
	CHECK_IMM(a0, PTE_A, "A/D: a load sets A, not D")
	STORE_OK(S_MPP, 0, VP(8), 0x33, "A/D: then a store")
	GET_PTE(pt39_l0, 8, PTE_A | PTE_D)
	CHECK_IMM(a0, PTE_A | PTE_D, "A/D: the store sets D")
	GET_PTE(pt39_l0, 9, PTE_A | PTE_D)
	CHECK_IMM(a0, 0, "A/D: second page starts clean")
	STORE_OK(S_MPP, 0, VP(9) + 0x100, 0x44, "A/D: a store first")
	GET_PTE(pt39_l0, 9, PTE_A | PTE_D)
	CHECK_IMM(a0, PTE_A | PTE_D, "A/D: a store sets A and D")
	FETCH_OK(S_MPP, 0, VP(10), 0x5b, "A/D: fetch from a code page with A = 0")
	GET_PTE(pt39_l0, 10, PTE_A | PTE_D)
	CHECK_IMM(a0, PTE_A, "A/D: a fetch sets A, not D")
	STORE_FAULT(S_MPP, 0, VP(11), "A/D: store to a read-only page with A = 0")
	GET_PTE(pt39_l0, 11, PTE_A | PTE_D)
	CHECK_IMM(a0, 0, "A/D: a faulting store sets neither A nor D")
	/* cleared again by software: after sfence.vma a load sets A again */
	SET_PTE_LA(pt39_l0, 8, pg_d3, PTE_V | PTE_R | PTE_W)
	sfence.vma
	LOAD_OK(S_MPP, 0, VP(8), 0x33, "A/D: load after software cleared A and D")
	GET_PTE(pt39_l0, 8, PTE_A | PTE_D)
	CHECK_IMM(a0, PTE_A, "A/D: A set again, D still clear")
	GET_PTE(pt39_l0, 8, ~0xff)
	la	a1, pg_d3
	srli	a1, a1, 2
	CHECK_EQ(a0, a1, "A/D: the update left the PPN alone")

	/* ---- non-canonical and unmapped addresses ---- */
	LOAD_FAULT(S_MPP, 0, 0x0000004000000000, "non-canonical (bit 38 not copied up): load")
	STORE_FAULT(S_MPP, 0, 0xffff800000000000, "non-canonical: store")
	FETCH_FAULT(S_MPP, 0, 0x0000008000000000, "non-canonical: fetch")
	LOAD_FAULT(S_MPP, 0, 0xffffffc000000000, "canonical, invalid root PTE: load")

	/* ---- sfence.vma ---- */
	LOAD_OK(S_MPP, 0, VP(12), 0xaaaa, "sfence: the page maps pg_da")
	SET_PTE_LA(pt39_l0, 12, pg_db, LEAF | PTE_R | PTE_W)
	PROBE(S_MPP, 0, probe_ld, VP(12))
	CHECK_ONE_OF(s2, 0xaaaa, 0xbbbb, "sfence: before it, the old or the new mapping")
	PROBE(S_MPP, 0, probe_sfence_va, VP(12))
	CHECK_STRAP(COUNT, 0, "sfence.vma va, x0 in S")
	LOAD_OK(S_MPP, 0, VP(12), 0xbbbb, "sfence.vma va: the new mapping")
	SET_PTE_LA(pt39_l0, 12, pg_da, LEAF | PTE_R | PTE_W)
	PROBE(S_MPP, 0, probe_sfence, 0)
	LOAD_OK(S_MPP, 0, VP(12), 0xaaaa, "sfence.vma: back to the old mapping")
	SET_PTE_LA(pt39_l0, 12, pg_da, PTE_R | PTE_W)	/* invalid */
	PROBE(S_MPP, 0, probe_sfence, 0)
	LOAD_FAULT(S_MPP, 0, VP(12), "sfence.vma: an invalidated page faults")
	/* fetches: VP13 jumps into VP14; both map C2 (so the jump lands in
	 * C2 again, "li a0, 1").  Remapped, VP14 must run C3 ("li a0, 2"),
	 * however the first jump was cached. */
	FETCH_OK(S_MPP, 0, VP(13), 1, "sfence, code: VP13 -> VP14, both on C2")
	FETCH_OK(S_MPP, 0, VP(13), 1, "sfence, code: again")
	SET_PTE_LA(pt39_l0, 14, pg_c3, LEAF | PTE_R | PTE_X)
	PROBE(S_MPP, 0, probe_sfence, 0)
	FETCH_OK(S_MPP, 0, VP(14) + 8, 2, "sfence, code: VP14 now maps C3")
	FETCH_OK(S_MPP, 0, VP(13), 2, "sfence, code: the jump from VP13 reaches C3 now")
	SET_PTE_LA(pt39_l0, 13, pg_c3, LEAF | PTE_R | PTE_X)
	PROBE(S_MPP, 0, probe_sfence, 0)
	FETCH_OK(S_MPP, 0, VP(13) + 8, 2, "sfence, code: VP13 remapped to C3")

	/* ---- a 4-byte instruction straddling two pages: sepc = its start,
	 * stval = the page whose half faulted ---- */
	la	a0, pg_c4		/* "li a0, 7" at C4+0xffe .. C5+1 */
	li	a1, 0xffe
	add	a0, a0, a1
	li	a1, 0x0513
	sh	a1, 0(a0)
	la	a0, pg_c5
	li	a1, 0x0070
	sh	a1, 0(a0)
	li	a1, 0x8067		/* then "ret" at C5+2 */
	sh	a1, 2(a0)
	sh	zero, 4(a0)
	fence.i
	SET_PTE_LA(pt39_l0, 16, pg_c4, LEAF | PTE_R | PTE_X)
	sfence.vma
	S_TRAP_RESUME_AT(probe_ret)
	PROBE(S_MPP, 0, probe_jalr, VP(16) + 0xffe)
	CHECK_STRAP(COUNT, 1, "straddling fetch, second page invalid: one fault")
	CHECK_STRAP(SCAUSE, 12, "straddling fetch, second page invalid")
	CHECK_STRAP(SEPC, VP(16) + 0xffe, "straddling fetch: sepc = the instruction")
	CHECK_STRAP(STVAL, VP(17), "straddling fetch: stval = the second page")
	SET_PTE_LA(pt39_l0, 17, pg_c5, LEAF | PTE_R | PTE_X)
	PROBE(S_MPP, 0, probe_sfence, 0)
	FETCH_OK(S_MPP, 0, VP(16) + 0xffe, 7, "straddling fetch, second page mapped")

	/* ---- reserved PTE bits and encodings fault (no Svpbmt, Svnapot) ---- */
	SET_PTE_LA(pt39_l0, 20, pg_d0, LEAF | PTE_R)
	SET_PTE_LA(pt39_l0, 21, pg_d0, LEAF | PTE_R)
	SET_PTE_LA(pt39_l0, 22, pg_d0, LEAF | PTE_R)
	la	a0, pt39_l0
	li	a2, 1 << 61		/* PBMT = 1 */
	ld	a1, 20 * 8(a0)
	or	a1, a1, a2
	sd	a1, 20 * 8(a0)
	li	a2, 1 << 63		/* N */
	ld	a1, 21 * 8(a0)
	or	a1, a1, a2
	sd	a1, 21 * 8(a0)
	li	a2, 1 << 54		/* reserved */
	ld	a1, 22 * 8(a0)
	or	a1, a1, a2
	sd	a1, 22 * 8(a0)
	SET_PTE_LA(pt39_l1, 5, pt39_l0b, PTE_V | PTE_A | PTE_D | PTE_U)
	SET_PTE_LA(pt39_l0b, 0, pg_d0, LEAF | PTE_R)
	sfence.vma
	LOAD_FAULT(S_MPP, 0, VP(20), "PTE with PBMT set, no Svpbmt")
	LOAD_FAULT(S_MPP, 0, VP(21), "PTE with N set, no Svnapot")
	LOAD_FAULT(S_MPP, 0, VP(22), "PTE with reserved bit 54 set")
	LOAD_FAULT(S_MPP, 0, 0x40a00000, "non-leaf PTE with A, D, U set (reserved)")
	SET_PTE_LA(pt39_l1, 5, pt39_l0b, PTE_V)
	sfence.vma
	LOAD_OK(S_MPP, 0, 0x40a00000, PG_MAGIC, "the same walk with a clean non-leaf PTE")

	/* ---- misaligned accesses across a page boundary: stval = the
	 * first byte of the part that faulted ---- */
	PROBE(S_MPP, 0, probe_ld, VP(11) + 0xffc)
	FAULT_CHECKS(13, VP(12), probe_ld, 0, "misaligned ld, second page invalid")
	PROBE(S_MPP, 0, probe_ld, VP(5) + 0xffc)
	FAULT_CHECKS(13, VP(5) + 0xffc, probe_ld, 0, "misaligned ld, first page invalid")
	la	a0, pg_d1
	li	a1, 0xff8
	add	a0, a0, a1
	sd	zero, 0(a0)
	li	a2, 0x5757
	PROBE(S_MPP, 0, probe_sd, VP(1) + 0xffc)
	FAULT_CHECKS(15, VP(2), probe_sd, 0, "misaligned sd, second page not writable")
	la	a0, pg_d1
	li	a1, 0xff8
	add	a0, a0, a1
	ld	a0, 0(a0)
	CHECK_ONE_OF(a0, 0, 0x0000575700000000, "misaligned sd, second page not writable: nothing, or only the first page's bytes, stored")
	li	a2, 0x5757
	PROBE(S_MPP, 0, probe_sd, VP(0) + 0xffc)
	FAULT_CHECKS(15, VP(0) + 0xffc, probe_sd, 0, "misaligned sd, first page not writable")

	/* ---- a page table outside RAM: the walk's read is an access fault
	 * (QEMU 7.2 reports a page fault) ---- */
	csrr	s6, satp
	li	a0, SATP_SV39 | (0x200000 >> 12)	/* root at 0x200000: nothing */
	csrw	satp, a0
	sfence.vma
	MPRV_LOAD(MSTATUS_MPP_S, 0, 0x80000000)
	csrw	satp, s6
	sfence.vma
	la	t6, rt_trap
	ld	a0, RT_TRAP_MCAUSE(t6)
	CHECK_ONE_OF(a0, 5, 13, "root page table in no memory: access fault (spec) or page fault (QEMU 7.2)")
	CHECK_TRAP(MTVAL, 0x80000000, "root page table in no memory: mtval = the virtual address")

	/* ---- MPRV: M-mode loads translated as S or U ---- */
	MPRV_LOAD(MSTATUS_MPP_S, 0, VP(0))
	CHECK_TRAP(COUNT, 0, "MPRV, MPP=S: load from an R page")
	CHECK_IMM(s2, PG_MAGIC, "MPRV, MPP=S: load from an R page")
	MPRV_LOAD(MSTATUS_MPP_S, 0, VP(6))
	CHECK_TRAP(COUNT, 1, "MPRV, MPP=S: load from a U page faults")
	CHECK_TRAP(MCAUSE, 13, "MPRV, MPP=S: U page, to M (not delegated)")
	CHECK_TRAP(MTVAL, VP(6), "MPRV, MPP=S: U page")
	CHECK_TRAP_REG(MEPC, s3, "MPRV, MPP=S: U page")
	CHECK_IMM(s2, MARK, "MPRV, MPP=S: U page: rd not written")
	MPRV_LOAD(MSTATUS_MPP_S, MSTATUS_SUM, VP(6))
	CHECK_TRAP(COUNT, 0, "MPRV, MPP=S, SUM: U page")
	CHECK_IMM(s2, 0xd2d2, "MPRV, MPP=S, SUM: U page")
	MPRV_LOAD(MSTATUS_MPP_S, 0, VP(2))
	CHECK_TRAP(MCAUSE, 13, "MPRV, MPP=S: X page faults")
	MPRV_LOAD(MSTATUS_MPP_S, MSTATUS_MXR, VP(2))
	CHECK_TRAP(COUNT, 0, "MPRV, MPP=S, MXR: X page")
	CHECK_IMM(s2, 0x0000806705a00513, "MPRV, MPP=S, MXR: X page")
	MPRV_LOAD(0, 0, VP(6))
	CHECK_TRAP(COUNT, 0, "MPRV, MPP=U: U page")
	CHECK_IMM(s2, 0xd2d2, "MPRV, MPP=U: U page")
	MPRV_LOAD(0, MSTATUS_SUM, VP(1))
	CHECK_TRAP(MCAUSE, 13, "MPRV, MPP=U: non-U page faults")
	CHECK_TRAP(MTVAL, VP(1), "MPRV, MPP=U: non-U page")
	MPRV_LOAD(MSTATUS_MPP_S, 0, NA + 0x80000000)
	CHECK_TRAP(COUNT, 0, "MPRV, MPP=S: 0x140000000 translates (to RAM)")
	MPRV_LOAD(MSTATUS_MPP, 0, NA + 0x80000000)
	CHECK_TRAP(MCAUSE, 5, "MPRV, MPP=M: no translation (0x140000000 is no memory)")
	la	a1, pg_d0
	TRAP_ARM
	li	t6, MSTATUS_MPRV | MSTATUS_MPP
	csrs	mstatus, t6
	ld	a0, 0(a1)
	li	t6, MSTATUS_MPRV
	csrc	mstatus, t6
	TRAP_DISARM
	CHECK_TRAP(COUNT, 0, "MPRV, MPP=M: physical load")
	CHECK_IMM(a0, PG_MAGIC, "MPRV, MPP=M: physical load")
	li	a1, MSTATUS_MPP		/* leave MPP = M for the runtime */
	csrs	mstatus, a1

	/* ---- Sv48 ---- */
	SET_PTE(pt48, 0, 0, LEAF | RWX)			/* 512G identity */
	SET_PTE(pt48, 1, 0, LEAF | PTE_R | PTE_W)		/* 512G alias */
	SET_PTE(pt48, 2, 0x80000000, LEAF | PTE_R)		/* misaligned 512G */
	SET_PTE_LA(pt48, 3, pt48_l2, PTE_V)
	SET_PTE(pt48_l2, 0, 0x80000000, LEAF | PTE_R | PTE_W)	/* 1G */
	SET_PTE_LA(pt48_l2, 1, pt48_l1, PTE_V)
	SET_PTE_LA(pt48_l1, 0, pt48_l0, PTE_V)
	SET_PTE(pt48_l1, 1, BIG2M, LEAF | PTE_R)		/* 2M */
	SET_PTE_LA(pt48_l0, 0, pg_d0, LEAF | PTE_R)		/* 4K */
	SET_PTE_LA(pt48_l0, 1, pg_c0, LEAF | PTE_X)
	la	a0, pt48
	srli	a0, a0, 12
	li	a1, SATP_SV48
	or	a0, a0, a1
	csrw	satp, a0
	csrr	a1, satp
	CHECK_EQ(a1, a0, "satp = Sv48 | root")
	sfence.vma
	la	a1, pg_d0
	li	a2, 0x8000000000
	add	a1, a1, a2
	li	a0, MARK
	S_TRAP_ARM
	RUN_LOWER(S_MPP, probe_ld)
	mv	s2, a0
	CHECK_STRAP(COUNT, 0, "Sv48 512G page: no fault")
	CHECK_IMM(s2, PG_MAGIC, "Sv48 512G page alias of pg_d0")
	LOAD_FAULT(S_MPP, 0, 0x10000000000 + 0x80000000, "Sv48 misaligned 512G page: load")
	la	a1, pg_d0
	li	a2, 0x18000000000 - 0x80000000
	add	a1, a1, a2
	li	a0, MARK
	S_TRAP_ARM
	RUN_LOWER(S_MPP, probe_ld)
	mv	s2, a0
	CHECK_IMM(s2, PG_MAGIC, "Sv48 1G page alias of pg_d0")
	LOAD_OK(S_MPP, 0, 0x18040200010, 0x2a2a, "Sv48 2M page")
	LOAD_OK(S_MPP, 0, 0x18040000000, PG_MAGIC, "Sv48 4K page (four levels)")
	FETCH_OK(S_MPP, 0, 0x18040001000, 0x5a, "Sv48 4K X page: fetch")
	LOAD_FAULT(S_MPP, 0, 0x18040001000, "Sv48 4K X page: load")
	LOAD_FAULT(S_MPP, 0, 0x18040002000, "Sv48 invalid 4K PTE")
	LOAD_FAULT(S_MPP, 0, 0x0000800000000000, "Sv48 non-canonical (bit 47 not copied up)")
	LOAD_FAULT(S_MPP, 0, 0xffff800000000000, "Sv48 canonical, invalid root PTE")
	/* 0x4000000000 is non-canonical for Sv39 but maps 1:1 here, to no
	 * memory: an access fault, not a page fault */
	li	a1, 0x4000000000
	li	a0, MARK
	S_TRAP_ARM
	RUN_LOWER(S_MPP, probe_ld)
	CHECK_TRAP(MCAUSE, 5, "Sv48: 0x4000000000 translates (to no RAM): access fault to M")
	CHECK_TRAP(MTVAL, 0x4000000000, "Sv48: access fault at 0x4000000000")
	CHECK_STRAP(COUNT, 0, "Sv48: 0x4000000000 is no page fault")

	csrw	satp, zero
	sfence.vma
	csrw	medeleg, zero
TEST_END

	/* set_pte(a0 = table, a1 = index, a2 = pa, a3 = flags) */
set_pte:
	srli	a2, a2, 12
	slli	a2, a2, 10
	or	a2, a2, a3
	slli	a1, a1, 3
	add	a0, a0, a1
	sd	a2, 0(a0)
	ret

	/* ---- probes, run in S (or in U through the U alias) ---- */
	.balign	4
probe_ld:
	ld	a0, 0(a1)
	ecall
probe_sd:
	sd	a2, 0(a1)
	ecall
probe_jalr:
	jalr	ra, 0(a1)
probe_ret:
	ecall
probe_sfence:
	sfence.vma
	ecall
probe_sfence_va:
	sfence.vma a1, zero
	ecall

	.bss
	.balign	4096
pt39:	.zero	4096
pt39_l1: .zero	4096
pt39_l0: .zero	4096
pt48:	.zero	4096
pt48_l2: .zero	4096
pt48_l1: .zero	4096
pt48_l0: .zero	4096
pg_d0:	.zero	4096
pg_d1:	.zero	4096
pg_d2:	.zero	4096
pg_d3:	.zero	4096
pg_d4:	.zero	4096
pg_da:	.zero	4096
pg_db:	.zero	4096
pg_c0:	.zero	4096
pg_c1:	.zero	4096
pg_c2:	.zero	4096
pg_c3:	.zero	4096
pg_c4:	.zero	4096
pg_c5:	.zero	4096
pt39_l0b: .zero	4096
	.text

#include "privrt.S"
