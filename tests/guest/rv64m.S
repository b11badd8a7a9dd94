/* RV64M: mul/mulh/mulhsu/mulhu, div/divu/rem/remu and the W forms.  Edge
 * cases from the ISA manual's division table: x/0 gives all ones (div,
 * divu), x%0 gives x, and the signed overflow INT_MIN/-1 gives INT_MIN with
 * remainder 0 (for the W forms on the low 32 bits, results sign-extended).
 * Products of large operands were computed with exact integer arithmetic. */
#include "test.h"

#define MIN64 0x8000000000000000
#define MAX64 0x7fffffffffffffff

TEST_BEGIN("rv64m")

	/* ---- mul: low 64 bits ---- */
	TEST_RR(mul, 3, 7, 21)
	TEST_RR(mul, -3, 7, -21)
	TEST_RR(mul, -1, -1, 1)
	TEST_RR(mul, 0, -1, 0)
	TEST_RR(mul, MAX64, 2, 0xfffffffffffffffe)
	TEST_RR(mul, MIN64, -1, MIN64)
	TEST_RR(mul, 0x100000001, 0x100000001, 0x200000001)
	TEST_RR(mul, 0x123456789abcdef0, 0xfedcba9876543210, 0x236d88fe5618cf00)
	TEST_RR(mul, 0xdeadbeefcafebabe, 0x0123456789abcdef, 0x7eb689f4ea447d62)

	/* ---- mulh: signed x signed, high 64 bits ---- */
	TEST_RR(mulh, 3, 7, 0)
	TEST_RR(mulh, -1, -1, 0)
	TEST_RR(mulh, -1, 1, 0xffffffffffffffff)
	TEST_RR(mulh, MIN64, MIN64, 0x4000000000000000)
	TEST_RR(mulh, MIN64, 1, 0xffffffffffffffff)
	TEST_RR(mulh, MIN64, -1, 0)
	TEST_RR(mulh, MAX64, MAX64, 0x3fffffffffffffff)
	TEST_RR(mulh, 2, 0x4000000000000000, 0)
	TEST_RR(mulh, 0x123456789abcdef0, 0xfedcba9876543210, 0xffeb49923cc09532)
	TEST_RR(mulh, 0xdeadbeefcafebabe, 0x0123456789abcdef, 0xffda16776506d22e)

	/* ---- mulhu: unsigned x unsigned ---- */
	TEST_RR(mulhu, -1, -1, 0xfffffffffffffffe)
	TEST_RR(mulhu, MIN64, 2, 1)
	TEST_RR(mulhu, -1, 1, 0)
	TEST_RR(mulhu, MIN64, MIN64, 0x4000000000000000)
	TEST_RR(mulhu, 0x123456789abcdef0, 0xfedcba9876543210, 0x121fa00ad77d7422)
	TEST_RR(mulhu, 0xdeadbeefcafebabe, 0x0123456789abcdef, 0x00fd5bdeeeb2a01d)

	/* ---- mulhsu: rs1 signed, rs2 unsigned ---- */
	TEST_RR(mulhsu, -1, -1, 0xffffffffffffffff)
	TEST_RR(mulhsu, -1, 1, 0xffffffffffffffff)
	TEST_RR(mulhsu, 1, -1, 0)
	TEST_RR(mulhsu, MIN64, -1, MIN64)
	TEST_RR(mulhsu, 2, MIN64, 1)
	TEST_RR(mulhsu, -2, MIN64, 0xffffffffffffffff)
	TEST_RR(mulhsu, 0x123456789abcdef0, 0xfedcba9876543210, 0x121fa00ad77d7422)
	TEST_RR(mulhsu, 0xdeadbeefcafebabe, 0x0123456789abcdef, 0xffda16776506d22e)

	/* ---- div / divu ---- */
	TEST_RR(div, 7, 2, 3)
	TEST_RR(div, -7, 2, -3)
	TEST_RR(div, 7, -2, -3)
	TEST_RR(div, -7, -2, 3)
	TEST_RR(div, 1, 2, 0)
	TEST_RR(div, 7, 0, -1)
	TEST_RR(div, 0, 0, -1)
	TEST_RR(div, MIN64, 0, -1)
	TEST_RR(div, MIN64, -1, MIN64)
	TEST_RR(div, MIN64, 1, MIN64)
	TEST_RR(div, 0xdeadbeefcafebabe, 0x12345, 0xffffe2b6aa67affd)
	TEST_RR(divu, 7, 2, 3)
	TEST_RR(divu, -1, 2, MAX64)
	TEST_RR(divu, -7, 2, 0x7ffffffffffffffc)
	TEST_RR(divu, 7, 0, 0xffffffffffffffff)
	TEST_RR(divu, 0, 0, 0xffffffffffffffff)
	TEST_RR(divu, MIN64, -1, 0)
	TEST_RR(divu, -1, -1, 1)
	TEST_RR(divu, 0xdeadbeefcafebabe, 0x12345, 0xc3b6fa62cc6b)

	/* ---- rem / remu: sign of the remainder follows the dividend ---- */
	TEST_RR(rem, 7, 2, 1)
	TEST_RR(rem, -7, 2, -1)
	TEST_RR(rem, 7, -2, 1)
	TEST_RR(rem, -7, -2, -1)
	TEST_RR(rem, 7, 0, 7)
	TEST_RR(rem, -7, 0, -7)
	TEST_RR(rem, 0, 0, 0)
	TEST_RR(rem, MIN64, -1, 0)
	TEST_RR(rem, MIN64, 0, MIN64)
	TEST_RR(rem, 0xdeadbeefcafebabe, 0x12345, 0xffffffffffffb48d)
	TEST_RR(remu, 7, 2, 1)
	TEST_RR(remu, -1, 2, 1)
	TEST_RR(remu, 7, 0, 7)
	TEST_RR(remu, -7, 0, -7)
	TEST_RR(remu, MIN64, -1, MIN64)
	TEST_RR(remu, -1, -1, 0)
	TEST_RR(remu, 0xdeadbeefcafebabe, 0x12345, 0xe7)

	/* ---- W forms: low 32 bits of the operands, result sign-extended ---- */
	TEST_RR(mulw, 3, 7, 21)
	TEST_RR(mulw, 0x7fffffff, 2, 0xfffffffffffffffe)
	TEST_RR(mulw, 0x100000003, 5, 15)
	TEST_RR(mulw, 0x10000, 0x10000, 0)
	TEST_RR(mulw, 0x8000, 0x10000, 0xffffffff80000000)
	TEST_RR(mulw, -1, -1, 1)
	TEST_RR(mulw, 0xffffffff00000002, 0x7fffffff00000003, 6)
	TEST_RR(divw, 7, 2, 3)
	TEST_RR(divw, -7, 2, -3)
	TEST_RR(divw, 0x1fffffff9, 2, -3)
	TEST_RR(divw, 0x80000000, -1, 0xffffffff80000000)
	TEST_RR(divw, 0x80000000, 0xffffffff, 0xffffffff80000000)
	TEST_RR(divw, 0x80000000, 1, 0xffffffff80000000)
	TEST_RR(divw, 7, 0, -1)
	TEST_RR(divw, 7, 0x100000000, -1)
	TEST_RR(divw, 0xfffffffe, 2, -1)
	TEST_RR(divuw, 0xffffffff, 1, 0xffffffffffffffff)
	TEST_RR(divuw, 0xffffffff, 2, 0x7fffffff)
	TEST_RR(divuw, 7, 0, 0xffffffffffffffff)
	TEST_RR(divuw, 0x80000000, -1, 0)
	TEST_RR(divuw, 0xffffffff80000000, 1, 0xffffffff80000000)
	TEST_RR(divuw, 0x123456789abcdef0, 0x10, 0x09abcdef)
	TEST_RR(remw, 7, 2, 1)
	TEST_RR(remw, -7, 2, -1)
	TEST_RR(remw, 7, -2, 1)
	TEST_RR(remw, 0x80000000, -1, 0)
	TEST_RR(remw, 0x123456789abcdef0, 0, 0xffffffff9abcdef0)
	TEST_RR(remw, 0x12345678, 0x100000000, 0x12345678)
	TEST_RR(remw, 0x1fffffff9, 4, -3)
	TEST_RR(remuw, 0xffffffff, 2, 1)
	TEST_RR(remuw, 0x80000000, 0, 0xffffffff80000000)
	TEST_RR(remuw, 0x8000000000000005, 3, 2)
	TEST_RR(remuw, 0xffffffff, 0x80000000, 0x7fffffff)
	TEST_RR(remuw, 0xfffffffe, 0xffffffff, 0xfffffffffffffffe)

	/* ---- register aliasing ---- */
	li	a0, -7
	li	a1, 2
	div	a1, a0, a1		/* rd == rs2 */
	CHECK_IMM(a1, -3, "div rd=rs2")
	li	a0, 12345
	rem	a0, a0, a0		/* x % x */
	CHECK_IMM(a0, 0, "rem rd=rs1=rs2")
	li	a0, -1
	mulhu	a0, a0, a0
	CHECK_IMM(a0, 0xfffffffffffffffe, "mulhu rd=rs1=rs2")
	li	a0, 0x10000
	mulw	a0, a0, a0
	CHECK_IMM(a0, 0, "mulw rd=rs1=rs2")
	/* results to x0 are dropped, even for division by zero */
	li	a1, 5
	div	x0, a1, x0
	divu	x0, a1, x0
	CHECK_IMM(x0, 0, "div x0")

	/* a mulh/mul pair recombines to the full product: -3 * 2^63 */
	li	a1, -3
	li	a2, MIN64
	mulh	a0, a1, a2
	mul	a3, a1, a2
	CHECK_IMM(a0, 1, "mulh a=-3 b=MIN64")
	CHECK_IMM(a3, MIN64, "mul a=-3 b=MIN64")

TEST_END
