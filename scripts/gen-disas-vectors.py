#!/usr/bin/env python3
"""Regenerates tests/unit/disas_vectors.h: RV64GC encodings with the text GNU
objdump prints for them, the reference for src/plugins/disas.c.

Every 16-bit encoding and a few hundred thousand 32-bit ones (random words,
and random operands in every RV64GC major opcode) are disassembled with
riscv64-unknown-elf-objdump; the header keeps up to PER_FORM samples of each
mnemonic. With --check BINARY it instead runs BINARY (tests/unit/disas_test
run with --sweep, which reads "addr<TAB>word<TAB>text" lines) over the
whole sweep.

usage: scripts/gen-disas-vectors.py [--objdump PATH] [--out FILE]
"""
import argparse, os, random, struct, subprocess, sys, tempfile

PER_FORM = 8

def r(n):
    return random.getrandbits(n)

def gen32(count):
    out = []
    I = lambda op, f3: (r(12) << 20) | (r(5) << 15) | (f3 << 12) | (r(5) << 7) | op
    while len(out) < count:
        k = random.randrange(20)
        if k == 0: v = I(0x03, random.randrange(8))
        elif k == 1: v = I(0x07, random.choice([2, 3]))
        elif k == 2: v = random.choice([0x0ff0000f, 0x0330000f, 0x8330000f, 0x0000100f, I(0x0f, random.choice([0, 1]))])
        elif k == 3:
            f3 = random.randrange(8); v = I(0x13, f3)
            if f3 in (1, 5): v = (v & ~(0x3f << 26)) | (random.choice([0, 0, 0x10, r(6)]) << 26)
        elif k == 4: v = (r(20) << 12) | (r(5) << 7) | random.choice([0x17, 0x37])
        elif k == 5:
            f3 = random.choice([0, 1, 5]); v = I(0x1b, f3)
            if f3 in (1, 5): v = (v & ~(0x7f << 25)) | (random.choice([0, 0x20]) << 25)
        elif k == 6: v = (r(25) << 7) | (random.randrange(4) << 12) | 0x23
        elif k == 7: v = (r(25) << 7) | (random.choice([2, 3]) << 12) | 0x27
        elif k == 8:
            f5 = random.choice([0, 1, 2, 3, 4, 8, 12, 16, 20, 24, 28])
            v = (f5 << 27) | (r(2) << 25) | (r(10) << 15) | (random.choice([2, 3]) << 12) | (r(5) << 7) | 0x2f
            if f5 == 2 and random.random() < 0.8: v &= ~(0x1f << 20)
        elif k == 9: v = (random.choice([0, 0x20, 1]) << 25) | (r(10) << 15) | (r(3) << 12) | (r(5) << 7) | 0x33
        elif k == 10: v = (random.choice([0, 0x20, 1]) << 25) | (r(10) << 15) | (r(3) << 12) | (r(5) << 7) | 0x3b
        elif k == 11: v = (r(5) << 27) | (r(2) << 25) | (r(10) << 15) | (r(3) << 12) | (r(5) << 7) | random.choice([0x43, 0x47, 0x4b, 0x4f])
        elif k == 12:
            f7 = random.choice([0, 1, 4, 5, 8, 9, 0xc, 0xd, 0x2c, 0x2d, 0x10, 0x11, 0x14, 0x15, 0x20, 0x21,
                                0x60, 0x61, 0x68, 0x69, 0x70, 0x71, 0x78, 0x79, 0x50, 0x51])
            rs2 = random.choice([0, 0, 1, 2, 3, r(5)])
            v = (f7 << 25) | (rs2 << 20) | (r(5) << 15) | (r(3) << 12) | (r(5) << 7) | 0x53
        elif k == 13: v = (r(25) << 7) | (r(3) << 12) | 0x63
        elif k == 14: v = I(0x67, random.choice([0, 0, 0, 1]))
        elif k == 15: v = (r(25) << 7) | 0x6f
        elif k == 16:
            v = (r(12) << 20) | (r(5) << 15) | (r(3) << 12) | (r(5) << 7) | 0x73
            if random.random() < 0.5: v = (v & 0x000fffff) | (random.randrange(0x1000) << 20 if random.random() < 0.3 else random.choice([1, 2, 3, 0xc00, 0xc01, 0xc02, 0x300, 0x180, 0x3a0, 0x3b5, 0xb05, 0xc83]) << 20)
            if random.random() < 0.3: v &= ~(0x1f << 7)
            if random.random() < 0.3: v &= ~(0x1f << 15)
        elif k == 17: v = random.choice([0x73, 0x100073, 0x30200073, 0x10200073, 0x10500073, 0x7b200073, (0x09 << 25) | (r(10) << 15) | 0x73])
        else: v = r(32)
        v |= 3
        if (v & 0x1c) != 0x1c:
            out.append(v)
    return out

def objdump(path, objdump_bin):
    res = subprocess.run([objdump_bin, "-D", "-b", "binary", "-m", "riscv:rv64", path],
                         check=True, capture_output=True, text=True).stdout
    lines = []
    for line in res.splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[0].strip().endswith(":"):
            continue
        addr = int(parts[0].strip()[:-1], 16)
        word = int(parts[1].strip(), 16)
        text = " ".join(parts[2:])
        text = text.split(" #")[0].split(" <")[0].rstrip()
        lines.append((addr, word, text))
    return lines

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objdump", default="riscv64-unknown-elf-objdump")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "unit", "disas_vectors.h"))
    ap.add_argument("--check", metavar="BINARY")
    args = ap.parse_args()
    random.seed(20240601)
    with tempfile.TemporaryDirectory() as d:
        rows = []
        c = os.path.join(d, "c.bin")
        with open(c, "wb") as f:
            f.write(b"".join(struct.pack("<H", v) for v in range(65536) if v & 3 != 3))
        rows += objdump(c, args.objdump)
        w = os.path.join(d, "w.bin")
        with open(w, "wb") as f:
            f.write(b"".join(struct.pack("<I", v) for v in gen32(200000)))
        rows += objdump(w, args.objdump)
    if args.check:
        feed = "".join("%x\t%x\t%s\n" % row for row in rows)
        return subprocess.run([args.check, "--sweep"], input=feed, text=True).returncode
    seen = {}
    keep = []
    for addr, word, text in rows:
        form = text.split(" ")[0]
        if seen.get(form, 0) < PER_FORM:
            seen[form] = seen.get(form, 0) + 1
            keep.append((addr, word, text))
    with open(args.out, "w") as f:
        f.write("/* Generated by scripts/gen-disas-vectors.py from GNU objdump 2.40's output:\n"
                " * {pc, instruction bits, text}. Do not edit. */\n")
        for addr, word, text in keep:
            f.write('{0x%xULL, 0x%x, "%s"},\n' % (addr, word, text))
    print("%d vectors, %d forms -> %s" % (len(keep), len(seen), args.out))
    return 0

if __name__ == "__main__":
    sys.exit(main())
