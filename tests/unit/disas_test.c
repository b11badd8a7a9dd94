/* Unit tests for the plugin disassembler (src/plugins/disas.c): its text
 * must be what GNU objdump 2.40 prints for the same bits, compressed hints,
 * aliases and odd operands included. The vectors come from objdump itself
 * (scripts/gen-disas-vectors.py); `disas_test --sweep` compares every
 * "addr<TAB>word<TAB>text" line on standard input instead, which the script
 * uses to check the full sweep of encodings. */
#include <stdlib.h>
#include <string.h>

#include "plugins/disas.h"
#include "unit.h"

static const struct { uint64_t pc; uint32_t raw; const char *text; } vectors[] = {
#include "disas_vectors.h"
};

/* Hand-picked forms the brief of the API names. */
static const struct { uint64_t pc; uint32_t raw; const char *text; } named[] = {
    {0x80000000, 0x00150513, "add a0,a0,1"},     /* addi: objdump's "add" alias */
    {0x80000000, 0x00813083, "ld ra,8(sp)"},
    {0x80000000, 0x0505, "add a0,a0,1"},         /* c.addi */
    {0x80000000, 0x4505, "li a0,1"},             /* c.li */
    {0x80000000, 0x852e, "mv a0,a1"},            /* c.mv */
    {0x80000000, 0x8082, "ret"},                 /* c.jr ra */
    {0x80000000, 0x00008067, "ret"},
    {0x80000010, 0xff1ff06f, "j 0x80000000"},
    {0x80000004, 0xbff5, "j 0x80000000"},        /* c.j backwards */
    {0x80000000, 0x00000073, "ecall"},
    {0x80000000, 0x10500073, "wfi"},
    {0x80000000, 0xf1402573, "csrr a0,mhartid"},
    {0x80000000, 0x30529073, "csrw mtvec,t0"},
    {0x80000000, 0x06b6252f, "amoadd.w.aqrl a0,a1,(a2)"},
    {0x80000000, 0x00c59553, "fadd.s fa0,fa1,fa2,rtz"},
    {0x80000000, 0xffffffff, ".4byte 0xffffffff"},
    {0x80000000, 0x0004, ".2byte 0x4"},
};

static int sweep(void)
{
    char line[512];
    int total = 0, bad = 0;
    while (fgets(line, sizeof(line), stdin)) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2)
            continue;
        uint64_t pc = strtoull(line, NULL, 16);
        uint32_t raw = (uint32_t)strtoul(t1 + 1, NULL, 16);
        char *want = t2 + 1;
        want[strcspn(want, "\n")] = 0;
        char got[DISAS_MAX];
        disas_insn(raw, pc, got, sizeof(got));
        total++;
        if (strcmp(got, want) && bad++ < 50)
            fprintf(stderr, "%08x at %llx: objdump \"%s\", disas \"%s\"\n", raw,
                    (unsigned long long)pc, want, got);
    }
    printf("disas sweep: %d encodings, %d differ\n", total, bad);
    return bad != 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--sweep"))
        return sweep();
    char got[DISAS_MAX];
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        unsigned len = disas_insn(vectors[i].raw, vectors[i].pc, got, sizeof(got));
        CHECK(!strcmp(got, vectors[i].text), "%08x: want \"%s\", got \"%s\"", vectors[i].raw,
              vectors[i].text, got);
        CHECK(len == ((vectors[i].raw & 3) == 3 ? 4u : 2u), "%08x: length %u", vectors[i].raw, len);
    }
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        disas_insn(named[i].raw, named[i].pc, got, sizeof(got));
        CHECK(!strcmp(got, named[i].text), "%08x: want \"%s\", got \"%s\"", named[i].raw,
              named[i].text, got);
    }
    /* A small buffer truncates instead of overflowing. */
    char tiny[6];
    memset(tiny, 'x', sizeof(tiny));
    disas_insn(0x06b6252f, 0, tiny, sizeof(tiny));
    CHECK(tiny[5] == 0, "output not terminated in a 6-byte buffer");
    return unit_done("disas_test");
}
