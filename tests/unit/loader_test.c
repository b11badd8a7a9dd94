/* Unit tests for loader.c: a good ELF loads its bytes (and zero fill) at
 * p_paddr; malformed ELFs and raw images that do not fit are rejected with a
 * negative code and a sentence naming the file and the problem; random
 * corruption of a good file never crashes the loader. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/bus.h"
#include "emu/loader.h"
#include "stubs.h"
#include "unit.h"
#include "util.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1ULL << 20)

static char dir[] = "/tmp/loader_testXXXXXX";
static char path[256];

/* A good image: header, 3 program headers (LOAD, NOTE, LOAD), then data. */
struct image {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[3];
    uint8_t seg0[16];
    uint8_t seg1[8];
};

static void good_image(struct image *im)
{
    memset(im, 0, sizeof(*im));
    memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
    im->eh.e_ident[EI_CLASS] = ELFCLASS64;
    im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    im->eh.e_ident[EI_VERSION] = EV_CURRENT;
    im->eh.e_type = ET_EXEC;
    im->eh.e_machine = 243;
    im->eh.e_version = EV_CURRENT;
    im->eh.e_entry = RAM_BASE + 4;
    im->eh.e_phoff = offsetof(struct image, ph);
    im->eh.e_ehsize = sizeof(Elf64_Ehdr);
    im->eh.e_phentsize = sizeof(Elf64_Phdr);
    im->eh.e_phnum = 3;

    im->ph[0].p_type = PT_LOAD;
    im->ph[0].p_offset = offsetof(struct image, seg0);
    im->ph[0].p_vaddr = 0xffffffff80000000ULL;   /* must be ignored */
    im->ph[0].p_paddr = RAM_BASE;
    im->ph[0].p_filesz = sizeof(im->seg0);
    im->ph[0].p_memsz = 64;                      /* 48 bytes of zero fill */
    im->ph[1].p_type = PT_NOTE;
    im->ph[1].p_offset = 0xffffffffffff0000ULL;  /* not loaded: not checked */
    im->ph[1].p_filesz = 0x1000;
    im->ph[2].p_type = PT_LOAD;
    im->ph[2].p_offset = offsetof(struct image, seg1);
    im->ph[2].p_paddr = RAM_BASE + 0x2000;
    im->ph[2].p_filesz = sizeof(im->seg1);
    im->ph[2].p_memsz = sizeof(im->seg1);
    for (unsigned i = 0; i < sizeof(im->seg0); i++)
        im->seg0[i] = (uint8_t)(0x10 + i);
    for (unsigned i = 0; i < sizeof(im->seg1); i++)
        im->seg1[i] = (uint8_t)(0xa0 + i);
}

static void write_file(const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(2);
    }
    if (len && fwrite(data, 1, len, f) != len) {
        perror(path);
        exit(2);
    }
    fclose(f);
}

static struct bus bus;

/* Loads a (possibly broken) image and checks the code and that the message
 * names the file and contains want. */
static void expect_reject(const char *what, const void *data, size_t len,
                          int want_code, const char *want)
{
    write_file(data, len);
    rp_error_clear();
    uint64_t entry = 0;
    int r = loader_load_elf(&bus, path, &entry, NULL, NULL);
    const char *msg = rp_strerror(r);
    CHECK(r == want_code, "%s: got %d, want %d (%s)", what, r, want_code, msg);
    CHECK(strstr(msg, path) != NULL, "%s: message does not name the file: %s", what, msg);
    CHECK(strstr(msg, want) != NULL, "%s: message lacks \"%s\": %s", what, want, msg);
}

static void test_good(void)
{
    struct image im;
    good_image(&im);
    write_file(&im, sizeof(im));
    memset(bus.ram, 0xee, 0x3000);
    uint64_t entry = 0, lo = 0, hi = 0;
    int r = loader_load_elf(&bus, path, &entry, &lo, &hi);
    CHECK(r == 0, "good ELF rejected: %s", rp_strerror(r));
    CHECK(entry == RAM_BASE + 4, "entry 0x%llx", (unsigned long long)entry);
    CHECK(lo == RAM_BASE, "lowest 0x%llx", (unsigned long long)lo);
    CHECK(hi == RAM_BASE + 0x2008, "highest 0x%llx", (unsigned long long)hi);
    CHECK(memcmp(bus.ram, im.seg0, sizeof(im.seg0)) == 0, "segment 0 bytes");
    bool zero = true;
    for (int i = 16; i < 64; i++)
        zero &= bus.ram[i] == 0;
    CHECK(zero, "segment 0 zero fill (memsz > filesz)");
    CHECK(bus.ram[64] == 0xee, "wrote past segment 0's memsz");
    CHECK(memcmp(bus.ram + 0x2000, im.seg1, sizeof(im.seg1)) == 0, "segment 2 bytes");
    CHECK(bus.ram[0x2008] == 0xee, "wrote past segment 2");
    CHECK(loader_is_elf(path), "loader_is_elf on an ELF");

    /* An empty PT_LOAD places nothing, wherever it claims to be. */
    good_image(&im);
    im.ph[2].p_paddr = 0x1000;
    im.ph[2].p_filesz = im.ph[2].p_memsz = 0;
    write_file(&im, sizeof(im));
    r = loader_load_elf(&bus, path, &entry, &lo, &hi);
    CHECK(r == 0 && hi == RAM_BASE + 64, "empty segment ignored: %s", rp_strerror(r));
    good_image(&im);
    write_file(&im, sizeof(im));

    /* Optional outputs may be NULL. */
    CHECK(loader_load_elf(&bus, path, NULL, NULL, NULL) == 0, "NULL outputs");
}

static void test_rejects(void)
{
    struct image im;
    char missing[64];

    good_image(&im);
    expect_reject("truncated header", &im, 40, -EINVAL, "truncated");
    expect_reject("empty", &im, 0, -EINVAL, "not an ELF");

    good_image(&im);
    im.eh.e_ident[1] = 'X';
    expect_reject("bad magic", &im, sizeof(im), -EINVAL, "bad magic");

    good_image(&im);
    im.eh.e_ident[EI_CLASS] = ELFCLASS32;
    expect_reject("32-bit", &im, sizeof(im), -EINVAL, "32-bit");

    good_image(&im);
    im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    expect_reject("big-endian", &im, sizeof(im), -EINVAL, "little-endian");

    good_image(&im);
    im.eh.e_machine = EM_X86_64;
    expect_reject("wrong machine", &im, sizeof(im), -EINVAL, "machine 62");

    good_image(&im);
    im.eh.e_type = ET_REL;
    expect_reject("relocatable", &im, sizeof(im), -EINVAL, "not an executable");

    good_image(&im);
    im.eh.e_phentsize = 32;
    expect_reject("phentsize", &im, sizeof(im), -EINVAL, "program headers of 32 bytes");

    good_image(&im);
    im.eh.e_phnum = 0;
    expect_reject("no phdrs", &im, sizeof(im), -EINVAL, "no program headers");

    good_image(&im);
    im.eh.e_phoff = sizeof(im) - 10;
    expect_reject("phdr table past EOF", &im, sizeof(im), -EINVAL, "program header table");

    good_image(&im);
    im.eh.e_phoff = 0xffffffffffffffc0ULL;
    expect_reject("phdr offset overflow", &im, sizeof(im), -EINVAL, "program header table");

    good_image(&im);
    im.eh.e_phnum = 2000;
    expect_reject("phnum past EOF", &im, sizeof(im), -EINVAL, "program header table");

    good_image(&im);
    expect_reject("phdrs truncated", &im, offsetof(struct image, ph[2]), -EINVAL,
                  "program header table");

    good_image(&im);
    im.ph[0].p_paddr = 0x10000000;
    im.ph[0].p_memsz = 0x1000;
    expect_reject("segment outside RAM", &im, sizeof(im), -EFAULT,
                  "segment 0 (0x10000000..0x10001000) lies outside guest RAM "
                  "(0x80000000..0x80100000)");

    good_image(&im);
    im.ph[2].p_paddr = RAM_BASE + RAM_SIZE - 4;
    expect_reject("segment past RAM end", &im, sizeof(im), -EFAULT,
                  "segment 2 (0x800ffffc..0x80100004) lies outside guest RAM");

    good_image(&im);
    im.ph[0].p_filesz = 65;
    expect_reject("filesz > memsz", &im, sizeof(im), -EINVAL,
                  "more file bytes (0x41) than memory bytes (0x40)");

    good_image(&im);
    im.ph[2].p_memsz = 0;
    expect_reject("filesz > memsz = 0", &im, sizeof(im), -EINVAL, "segment 2 has more file bytes");

    good_image(&im);
    im.ph[2].p_offset = 0xfffffffffffffff0ULL;
    im.ph[2].p_filesz = 0x20;
    im.ph[2].p_memsz = 0x20;
    expect_reject("p_offset overflow", &im, sizeof(im), -EINVAL,
                  "segment 2 (file offset 0xfffffffffffffff0");

    good_image(&im);
    im.ph[2].p_filesz = 0x100;
    im.ph[2].p_memsz = 0x100;
    expect_reject("segment data past EOF", &im, sizeof(im), -EINVAL,
                  "beyond the end of the file");

    good_image(&im);
    im.ph[2].p_paddr = 0xfffffffffffff000ULL;
    im.ph[2].p_memsz = 0x2000;
    expect_reject("address wraps", &im, sizeof(im), -EFAULT, "wraps around");

    good_image(&im);
    im.ph[0].p_type = PT_NOTE;
    im.ph[2].p_type = PT_NULL;
    expect_reject("no PT_LOAD", &im, sizeof(im), -EINVAL, "no loadable segments");

    /* A bad later segment must leave RAM untouched by earlier ones. */
    good_image(&im);
    im.ph[2].p_paddr = 0x1000;
    memset(bus.ram, 0x55, 64);
    expect_reject("validate before load", &im, sizeof(im), -EFAULT, "segment 2");
    CHECK(bus.ram[0] == 0x55 && bus.ram[63] == 0x55, "RAM written before validation");

    snprintf(missing, sizeof(missing), "%s/missing.elf", dir);
    rp_error_clear();
    int r = loader_load_elf(&bus, missing, NULL, NULL, NULL);
    CHECK(r == -ENOENT, "missing file: %d", r);
    CHECK(strstr(rp_strerror(r), missing) != NULL, "missing file message: %s",
          rp_strerror(r));
    CHECK(!loader_is_elf(missing), "loader_is_elf on a missing file");
    r = loader_load_elf(&bus, dir, NULL, NULL, NULL);
    CHECK(r == -EINVAL && strstr(rp_strerror(r), "regular file"), "directory: %s",
          rp_strerror(r));
}

/* GNU ld's layout for -Ttext=<RAM base>: the first segment starts with the
 * ELF and program headers, a page (here 0x200 bytes) below RAM. */
struct himage {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[1];
    uint8_t pad[0x200 - sizeof(Elf64_Ehdr) - sizeof(Elf64_Phdr)];
    uint8_t code[16];
};

static void test_header_prefix(void)
{
    struct image base;
    good_image(&base);
    struct himage h;
    memset(&h, 0, sizeof(h));
    h.eh = base.eh;
    h.eh.e_phoff = offsetof(struct himage, ph);
    h.eh.e_phnum = 1;
    h.eh.e_entry = RAM_BASE;
    h.ph[0].p_type = PT_LOAD;
    h.ph[0].p_offset = 0;
    h.ph[0].p_paddr = RAM_BASE - offsetof(struct himage, code);
    h.ph[0].p_filesz = h.ph[0].p_memsz = sizeof(h);
    memset(h.code, 0x13, sizeof(h.code));

    write_file(&h, sizeof(h));
    memset(bus.ram, 0, 64);
    uint64_t lo = 0, hi = 0;
    int r = loader_load_elf(&bus, path, NULL, &lo, &hi);
    CHECK(r == 0, "headers below RAM are dropped: %s", rp_strerror(r));
    CHECK(lo == RAM_BASE && hi == RAM_BASE + 16, "range 0x%llx..0x%llx",
          (unsigned long long)lo, (unsigned long long)hi);
    CHECK(bus.ram[0] == 0x13 && bus.ram[15] == 0x13 && bus.ram[16] == 0, "code at RAM base");

    h.pad[100] = 1;             /* content, not padding: refuse */
    expect_reject("content below RAM", &h, sizeof(h), -EFAULT, "segment 0 (0x7ffffe00..");
    h.pad[100] = 0;
    h.ph[0].p_filesz = 0x100;   /* the part below RAM is partly bss: refuse */
    expect_reject("bss below RAM", &h, sizeof(h), -EFAULT, "lies outside guest RAM");
    h.ph[0].p_filesz = sizeof(h);
    h.ph[0].p_paddr -= 0x1000;  /* more than the prefix is below RAM: refuse */
    expect_reject("code below RAM", &h, sizeof(h), -EFAULT, "lies outside guest RAM");
}

static void test_raw(void)
{
    uint8_t data[300];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7);
    write_file(data, sizeof(data));
    CHECK(!loader_is_elf(path), "loader_is_elf on a raw file");

    uint64_t size = 0;
    int r = loader_load_raw(&bus, path, RAM_BASE + 0x200, &size);
    CHECK(r == 0 && size == sizeof(data), "raw load: %d %s", r, rp_strerror(r));
    CHECK(memcmp(bus.ram + 0x200, data, sizeof(data)) == 0, "raw bytes");

    r = loader_load_raw(&bus, path, RAM_BASE + RAM_SIZE - sizeof(data), NULL);
    CHECK(r == 0, "raw load flush with the end of RAM: %s", rp_strerror(r));

    rp_error_clear();
    r = loader_load_raw(&bus, path, RAM_BASE + RAM_SIZE - 100, &size);
    CHECK(r == -EFBIG, "raw too big: %d", r);
    CHECK(strstr(rp_strerror(r), "300 bytes, but only 100 bytes of guest RAM remain"),
          "raw too big message: %s", rp_strerror(r));

    r = loader_load_raw(&bus, path, 0x1000, &size);
    CHECK(r == -EFAULT && strstr(rp_strerror(r), "outside guest RAM"),
          "raw outside RAM: %d %s", r, rp_strerror(r));

    write_file(data, 0);
    r = loader_load_raw(&bus, path, RAM_BASE, &size);
    CHECK(r == -EINVAL && strstr(rp_strerror(r), "empty"), "raw empty: %s", rp_strerror(r));
}

/* Deterministic corruption of a good image: never a crash, never a success
 * that wrote outside RAM (ASan checks the latter). */
static void test_fuzz(void)
{
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    int ok = 0, bad = 0;
    for (int iter = 0; iter < 3000; iter++) {
        struct image im;
        good_image(&im);
        uint8_t *p = (uint8_t *)&im;
        int flips = 1 + iter % 4;
        for (int k = 0; k < flips; k++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            /* Mostly the headers, where the interesting fields are. */
            size_t at = (s >> 8) % (iter % 3 ? sizeof(Elf64_Ehdr) + sizeof(im.ph) : sizeof(im));
            p[at] = (uint8_t)(s >> 40);
        }
        size_t len = iter % 7 == 0 ? (s >> 16) % sizeof(im) : sizeof(im);
        write_file(&im, len);
        int r = loader_load_elf(&bus, path, NULL, NULL, NULL);
        if (r == 0)
            ok++;
        else if (r < 0)
            bad++;
    }
    CHECK(ok + bad == 3000, "fuzz: every load returned 0 or a negative code");
    CHECK(bad > 0, "fuzz rejected nothing");
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/kernel.elf", dir);
    int r = bus_init(&bus, RAM_BASE, RAM_SIZE);
    CHECK(r == 0, "bus_init: %d", r);
    if (r)
        return unit_done("loader_test");

    test_good();
    test_rejects();
    test_header_prefix();
    test_raw();
    test_fuzz();

    bus_destroy(&bus);
    unlink(path);
    rmdir(dir);
    return unit_done("loader_test");
}
