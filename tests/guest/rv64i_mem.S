/* RV64I loads and stores: every width, sign and zero extension, negative and
 * extreme offsets, byte lanes of partial stores, and misaligned accesses.
 * QEMU 7.2 (and so Reprise) performs misaligned regular loads and stores -
 * integer and floating-point - in hardware without trapping, including
 * those that cross an 8-byte and a page boundary; the spec allows this
 * (it is the EEI's choice), so we test that behaviour.  Misaligned LR/SC/AMO
 * are in rv64a.S; faulting accesses in traps.S. */
#include "test.h"

/* rd = load(base + off), base = label + bias. */
#define TEST_LD(inst, label, bias, off, exp)			\
	la a1, label;						\
	li a2, bias;						\
	add a1, a1, a2;						\
	inst a0, off(a1);					\
	li a3, exp;						\
	CHECK_EQ(a0, a3, #inst, " ", #label, "+", #bias, " off=", #off)

/* Fill the 16-byte store buffer with 0x11 bytes. */
#define STBUF_RESET						\
	la a1, stbuf;						\
	li a2, 0x1111111111111111;				\
	sd a2, 0(a1);						\
	sd a2, 8(a1);						\
	sd a2, 16(a1)

/* store(val at stbuf+off), then compare both dwords of the buffer. */
#define TEST_ST(inst, off, val, exp0, exp1)			\
	STBUF_RESET;						\
	li a2, val;						\
	inst a2, off(a1);					\
	ld a0, 0(a1);						\
	li a3, exp0;						\
	CHECK_EQ(a0, a3, #inst, " off=", #off, " val=", #val, " (dword 0)"); \
	ld a0, 8(a1);						\
	li a3, exp1;						\
	CHECK_EQ(a0, a3, #inst, " off=", #off, " val=", #val, " (dword 1)")

TEST_BEGIN("rv64i_mem")

	/* pat bytes: f0 0f 80 7f ff 00 01 fe | 88 99 aa bb cc dd ee ff */
	TEST_LD(lb, pat, 0, 0, 0xfffffffffffffff0)
	TEST_LD(lb, pat, 0, 1, 0x0f)
	TEST_LD(lb, pat, 0, 2, 0xffffffffffffff80)
	TEST_LD(lb, pat, 0, 3, 0x7f)
	TEST_LD(lb, pat, 0, 4, 0xffffffffffffffff)
	TEST_LD(lb, pat, 0, 5, 0)
	TEST_LD(lbu, pat, 0, 0, 0xf0)
	TEST_LD(lbu, pat, 0, 2, 0x80)
	TEST_LD(lbu, pat, 0, 4, 0xff)
	TEST_LD(lbu, pat, 0, 3, 0x7f)
	TEST_LD(lh, pat, 0, 0, 0x0ff0)
	TEST_LD(lh, pat, 0, 2, 0x7f80)
	TEST_LD(lh, pat, 0, 4, 0x00ff)
	TEST_LD(lh, pat, 0, 6, 0xfffffffffffffe01)
	TEST_LD(lh, pat, 0, 8, 0xffffffffffff9988)
	TEST_LD(lhu, pat, 0, 6, 0xfe01)
	TEST_LD(lhu, pat, 0, 14, 0xffee)
	TEST_LD(lhu, pat, 0, 0, 0x0ff0)
	TEST_LD(lw, pat, 0, 0, 0x7f800ff0)
	TEST_LD(lw, pat, 0, 4, 0xfffffffffe0100ff)
	TEST_LD(lw, pat, 0, 8, 0xffffffffbbaa9988)
	TEST_LD(lwu, pat, 0, 4, 0xfe0100ff)
	TEST_LD(lwu, pat, 0, 12, 0xffeeddcc)
	TEST_LD(lwu, pat, 0, 0, 0x7f800ff0)
	TEST_LD(ld, pat, 0, 0, 0xfe0100ff7f800ff0)
	TEST_LD(ld, pat, 0, 8, 0xffeeddccbbaa9988)

	/* negative and extreme offsets */
	TEST_LD(lb, pat, 16, -1, 0xffffffffffffffff)
	TEST_LD(lw, pat, 16, -4, 0xffffffffffeeddcc)
	TEST_LD(ld, pat, 16, -16, 0xfe0100ff7f800ff0)
	TEST_LD(ld, pat, 2048, -2048, 0xfe0100ff7f800ff0)
	TEST_LD(lbu, pat, -2040, 2047, 0xfe)
	TEST_LD(lhu, pat, -2042, 2047, 0x0100)

	/* misaligned loads (performed, not trapped, on QEMU 7.2) */
	TEST_LD(lh, pat, 0, 1, 0xffffffffffff800f)
	TEST_LD(lhu, pat, 0, 1, 0x800f)
	TEST_LD(lh, pat, 0, 7, 0xffffffffffff88fe)
	TEST_LD(lw, pat, 0, 1, 0xffffffffff7f800f)
	TEST_LD(lwu, pat, 0, 3, 0x0100ff7f)
	TEST_LD(lw, pat, 0, 6, 0xffffffff9988fe01)
	TEST_LD(lwu, pat, 0, 6, 0x9988fe01)
	TEST_LD(lw, pat, 0, 2, 0x00ff7f80)
	TEST_LD(ld, pat, 0, 1, 0x88fe0100ff7f800f)
	TEST_LD(ld, pat, 0, 7, 0xeeddccbbaa9988fe)
	TEST_LD(ld, pat, 0, 4, 0xbbaa9988fe0100ff)

	/* the base register is the destination */
	la	a0, pat
	ld	a0, 8(a0)
	CHECK_IMM(a0, 0xffeeddccbbaa9988, "ld rd=rs1")
	/* a load to x0 is performed and discarded */
	la	a1, pat
	lw	x0, 0(a1)
	CHECK_IMM(x0, 0, "lw x0")

	/* ---- stores: only the addressed bytes change ---- */
	TEST_ST(sb, 0, 0xabcd, 0x11111111111111cd, 0x1111111111111111)
	TEST_ST(sb, 3, 0x80, 0x1111111180111111, 0x1111111111111111)
	TEST_ST(sb, 15, -1, 0x1111111111111111, 0xff11111111111111)
	TEST_ST(sh, 0, 0x12345678, 0x1111111111115678, 0x1111111111111111)
	TEST_ST(sh, 6, 0xbeef, 0xbeef111111111111, 0x1111111111111111)
	TEST_ST(sw, 0, 0x0123456789abcdef, 0x1111111189abcdef, 0x1111111111111111)
	TEST_ST(sw, 12, 0xdeadbeef, 0x1111111111111111, 0xdeadbeef11111111)
	TEST_ST(sd, 0, 0x0123456789abcdef, 0x0123456789abcdef, 0x1111111111111111)
	TEST_ST(sd, 8, -2, 0x1111111111111111, 0xfffffffffffffffe)
	TEST_ST(sd, 0, 0, 0, 0x1111111111111111)
	/* misaligned stores (performed on QEMU 7.2) */
	TEST_ST(sh, 1, 0xaabb, 0x1111111111aabb11, 0x1111111111111111)
	TEST_ST(sh, 7, 0xaabb, 0xbb11111111111111, 0x11111111111111aa)
	TEST_ST(sw, 5, 0xaabbccdd, 0xbbccdd1111111111, 0x11111111111111aa)
	TEST_ST(sw, 2, 0xaabbccdd, 0x1111aabbccdd1111, 0x1111111111111111)
	TEST_ST(sd, 3, 0x0102030405060708, 0x0405060708111111, 0x1111111111010203)
	TEST_ST(sd, 1, 0x0102030405060708, 0x0203040506070811, 0x1111111111111101)
	TEST_ST(sd, 7, 0x0102030405060708, 0x0811111111111111, 0x1101020304050607)
	/* store x0 */
	STBUF_RESET
	sw	x0, 4(a1)
	ld	a0, 0(a1)
	CHECK_IMM(a0, 0x0000000011111111, "sw x0")
	/* store then load back with every width, same block */
	la	a1, stbuf
	li	a2, 0x8899aabbccddeeff
	sd	a2, 0(a1)
	lb	a0, 7(a1)
	CHECK_IMM(a0, 0xffffffffffffff88, "sd then lb")
	lhu	a0, 6(a1)
	CHECK_IMM(a0, 0x8899, "sd then lhu")
	lw	a0, 4(a1)
	CHECK_IMM(a0, 0xffffffff8899aabb, "sd then lw")
	lwu	a0, 0(a1)
	CHECK_IMM(a0, 0xccddeeff, "sd then lwu")

	/* ---- misaligned accesses across a page boundary ---- */
	la	s0, pages
	li	t0, 4096
	add	s0, s0, t0		/* s0 = start of the second page */
	li	a2, 0x1122334455667788
	sd	a2, -3(s0)		/* bytes 88 77 66 | 55 44 33 22 11 */
	ld	a0, -8(s0)
	CHECK_IMM(a0, 0x6677880000000000, "sd across page: first page")
	ld	a0, 0(s0)
	CHECK_IMM(a0, 0x0000001122334455, "sd across page: second page")
	ld	a0, -3(s0)
	CHECK_IMM(a0, 0x1122334455667788, "ld across page")
	lw	a0, -2(s0)
	CHECK_IMM(a0, 0x44556677, "lw across page")
	lhu	a0, -1(s0)
	CHECK_IMM(a0, 0x5566, "lhu across page")
	sw	a2, -1(s0)		/* 88 | 77 66 55 */
	ld	a0, 0(s0)
	CHECK_IMM(a0, 0x0000001122556677, "sw across page: second page")
	lb	a0, -1(s0)
	CHECK_IMM(a0, 0xffffffffffffff88, "sw across page: first page")

	/* ---- floating-point loads and stores, misaligned ---- */
	la	a1, pat
	flw	ft0, 1(a1)
	fmv.x.w	a0, ft0
	CHECK_IMM(a0, 0xffffffffff7f800f, "flw misaligned (+1)")
	fld	ft1, 3(a1)
	fmv.x.d	a0, ft1
	CHECK_IMM(a0, 0xaa9988fe0100ff7f, "fld misaligned (+3)")
	STBUF_RESET
	fsw	ft0, 6(a1)
	ld	a0, 0(a1)
	CHECK_IMM(a0, 0x800f111111111111, "fsw misaligned (+6) dword 0")
	ld	a0, 8(a1)
	CHECK_IMM(a0, 0x111111111111ff7f, "fsw misaligned (+6) dword 1")
	fsd	ft1, 9(a1)
	ld	a0, 8(a1)
	CHECK_IMM(a0, 0x9988fe0100ff7f7f, "fsd misaligned (+9) dword 1")
	ld	a0, 16(a1)
	CHECK_IMM(a0, 0x11111111111111aa, "fsd misaligned (+9) dword 2")

	/* ---- memory ordering: every fence form is legal (a no-op for a
	 * single hart) and leaves memory and registers alone ---- */
	la	a1, stbuf
	li	a2, 0x5a5a
	sd	a2, 0(a1)
	TRAP_ARM
	fence
	fence	rw, rw
	fence	r, r
	fence	w, w
	fence	iorw, iorw
	fence	i, o
	fence.tso
	.word	0x0100000f		/* pause (a fence hint) */
	.word	0x0000000f		/* fence with empty sets */
	TRAP_DISARM
	CHECK_TRAP(COUNT, 0, "fence variants do not trap")
	ld	a0, 0(a1)
	CHECK_IMM(a0, 0x5a5a, "memory unchanged across fences")

TEST_END

	.data
	.balign	16
pat:	.byte	0xf0, 0x0f, 0x80, 0x7f, 0xff, 0x00, 0x01, 0xfe
	.byte	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
stbuf:	.dword	0, 0, 0

	.bss
	.balign	4096
pages:	.space	8192
