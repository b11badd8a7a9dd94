/* Guest image loaders (see loader.h): ELF64 little-endian RISC-V executables
 * by their PT_LOAD program headers at p_paddr (as QEMU does), and raw images.
 * Every field the file controls is checked before anything is written to RAM;
 * each problem becomes one sentence naming the file. Owns no state. */
#include "loader.h"

#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "util.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

#define LOAD_CHUNK (1u << 20)   /* bytes copied per read */

typedef unsigned long long ull;

/* Opens path for reading and gets its size; a message on failure. */
static int open_image(const char *path, int *fd_out, uint64_t *size_out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return rp_error(-e, "%s: cannot open: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return rp_error(-EIO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return rp_error(-EINVAL, "%s: is not a regular file", path);
    }
    *fd_out = fd;
    *size_out = (uint64_t)st.st_size;
    return 0;
}

/* Reads exactly len bytes at off. Returns 0 or -EIO with a message. */
static int read_at(int fd, const char *path, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rp_error(-EIO, "%s: read error at offset 0x%llx: %s",
                            path, (ull)off, strerror(errno));
        if (n == 0)
            return rp_error(-EIO, "%s: file shrank while being read (offset 0x%llx)",
                            path, (ull)off);
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

/* Copies len bytes of the file at off to guest RAM at pa (checked to be RAM
 * by the caller), in chunks; buf holds LOAD_CHUNK bytes. */
static int copy_to_ram(struct bus *b, int fd, const char *path, uint8_t *buf,
                       uint64_t off, uint64_t pa, uint64_t len)
{
    while (len > 0) {
        size_t n = len < LOAD_CHUNK ? (size_t)len : LOAD_CHUNK;
        int err = read_at(fd, path, buf, n, off);
        if (err < 0)
            return err;
        if (bus_write_ram(b, pa, buf, n) < 0)
            return rp_error(-EFAULT, "%s: 0x%llx is not guest RAM", path, (ull)pa);
        off += n;
        pa += n;
        len -= n;
    }
    return 0;
}

static int zero_ram(struct bus *b, const char *path, uint8_t *buf, uint64_t pa, uint64_t len)
{
    memset(buf, 0, LOAD_CHUNK);
    while (len > 0) {
        size_t n = len < LOAD_CHUNK ? (size_t)len : LOAD_CHUNK;
        if (bus_write_ram(b, pa, buf, n) < 0)
            return rp_error(-EFAULT, "%s: 0x%llx is not guest RAM", path, (ull)pa);
        pa += n;
        len -= n;
    }
    return 0;
}

bool loader_is_elf(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    uint8_t magic[SELFMAG];
    ssize_t n;
    do
        n = pread(fd, magic, sizeof(magic), 0);
    while (n < 0 && errno == EINTR);
    close(fd);
    return n == (ssize_t)sizeof(magic) && memcmp(magic, ELFMAG, SELFMAG) == 0;
}

static int check_ehdr(const char *path, const Elf64_Ehdr *eh, uint64_t fsize)
{
    const unsigned char *id = eh->e_ident;
    if (id[EI_CLASS] != ELFCLASS64)
        return rp_error(-EINVAL, "%s: is a %s ELF file; a 64-bit (ELFCLASS64) one "
                        "is needed", path, id[EI_CLASS] == ELFCLASS32 ? "32-bit" :
                        "malformed (unknown class)");
    if (id[EI_DATA] != ELFDATA2LSB)
        return rp_error(-EINVAL, "%s: is not a little-endian ELF file", path);
    if (id[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return rp_error(-EINVAL, "%s: has an unknown ELF version", path);
    if (eh->e_machine != EM_RISCV)
        return rp_error(-EINVAL, "%s: is built for ELF machine %u, not RISC-V (%u)",
                        path, eh->e_machine, EM_RISCV);
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return rp_error(-EINVAL, "%s: is not an executable (ELF type %u)", path,
                        eh->e_type);
    if (eh->e_phnum == 0)
        return rp_error(-EINVAL, "%s: has no program headers", path);
    if (eh->e_phnum == PN_XNUM)
        return rp_error(-EINVAL, "%s: uses extended program header numbering, "
                        "which is not supported", path);
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return rp_error(-EINVAL, "%s: has program headers of %u bytes; ELF64 "
                        "needs %zu", path, eh->e_phentsize, sizeof(Elf64_Phdr));
    uint64_t tsize = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
    if (eh->e_phoff > fsize || tsize > fsize - eh->e_phoff)
        return rp_error(-EINVAL, "%s: program header table (offset 0x%llx, %u "
                        "entries) lies beyond the end of the file (%llu bytes)",
                        path, (ull)eh->e_phoff, eh->e_phnum, (ull)fsize);
    return 0;
}

/* The part of a segment that lies below RAM and holds nothing but the file's
 * own headers and zero padding, or 0. GNU ld puts the ELF and program headers
 * at the start of the first PT_LOAD when there is room, so a program linked
 * with -Ttext=0x80000000 has a segment starting a page below RAM. QEMU drops
 * bytes that land outside RAM silently; we drop exactly this harmless case
 * and still refuse a segment whose content lies outside RAM. The caller has
 * checked the segment's file range. */
static int header_prefix(const struct bus *b, int fd, const char *path,
                         const Elf64_Ehdr *eh, const Elf64_Phdr *ph,
                         uint8_t *buf, uint64_t *skip)
{
    *skip = 0;
    uint64_t hdr_end = eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
    if (hdr_end < sizeof(Elf64_Ehdr))
        hdr_end = sizeof(Elf64_Ehdr);
    if (ph->p_paddr >= b->ram_base || ph->p_offset >= hdr_end)
        return 0;
    uint64_t pre = b->ram_base - ph->p_paddr;
    if (pre > ph->p_memsz)
        pre = ph->p_memsz;
    if (pre > ph->p_filesz)
        return 0;
    /* File bytes [p_offset, p_offset + pre): headers, then zeros only. */
    uint64_t off = hdr_end, end = ph->p_offset + pre;
    while (off < end) {
        size_t n = end - off < LOAD_CHUNK ? (size_t)(end - off) : LOAD_CHUNK;
        int err = read_at(fd, path, buf, n, off);
        if (err < 0)
            return err;
        for (size_t k = 0; k < n; k++)
            if (buf[k])
                return 0;
        off += n;
    }
    *skip = pre;
    return 0;
}

/* Checks one PT_LOAD entry against the file and RAM, and trims a harmless
 * header prefix below RAM (see header_prefix) from *ph. */
static int check_phdr(struct bus *b, int fd, const char *path, const Elf64_Ehdr *eh,
                      int i, Elf64_Phdr *ph, uint64_t fsize, uint8_t *buf)
{
    if (ph->p_filesz > ph->p_memsz)
        return rp_error(-EINVAL, "%s: segment %d has more file bytes (0x%llx) "
                        "than memory bytes (0x%llx)", path, i,
                        (ull)ph->p_filesz, (ull)ph->p_memsz);
    if (ph->p_offset > fsize || ph->p_filesz > fsize - ph->p_offset)
        return rp_error(-EINVAL, "%s: segment %d (file offset 0x%llx, 0x%llx "
                        "bytes) lies beyond the end of the file (%llu bytes)",
                        path, i, (ull)ph->p_offset, (ull)ph->p_filesz, (ull)fsize);
    if (ph->p_memsz == 0)
        return 0;               /* nothing to place */
    if (ph->p_paddr + ph->p_memsz < ph->p_paddr)
        return rp_error(-EFAULT, "%s: segment %d (0x%llx, 0x%llx bytes) wraps "
                        "around the address space", path, i,
                        (ull)ph->p_paddr, (ull)ph->p_memsz);
    uint64_t skip;
    int err = header_prefix(b, fd, path, eh, ph, buf, &skip);
    if (err < 0)
        return err;
    uint64_t start = ph->p_paddr + skip, len = ph->p_memsz - skip;
    if (len && !bus_is_ram(b, start, len))
        return rp_error(-EFAULT, "%s: segment %d (0x%llx..0x%llx) lies outside "
                        "guest RAM (0x%llx..0x%llx)", path, i, (ull)ph->p_paddr,
                        (ull)(ph->p_paddr + ph->p_memsz), (ull)b->ram_base,
                        (ull)(b->ram_base + b->ram_size));
    ph->p_paddr += skip;
    ph->p_offset += skip;
    ph->p_filesz -= skip;
    ph->p_memsz -= skip;
    return 0;
}

int loader_load_elf(struct bus *b, const char *path, uint64_t *entry,
                    uint64_t *lowest, uint64_t *highest)
{
    int fd;
    uint64_t fsize;
    int err = open_image(path, &fd, &fsize);
    if (err < 0)
        return err;

    Elf64_Phdr *ph = NULL;
    uint8_t *buf = NULL;
    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof(eh));
    size_t head = fsize < sizeof(eh) ? (size_t)fsize : sizeof(eh);
    err = read_at(fd, path, &eh, head, 0);
    if (err < 0)
        goto out_close;
    if (head < SELFMAG || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        err = rp_error(-EINVAL, "%s: is not an ELF file (bad magic)", path);
        goto out_close;
    }
    if (head < sizeof(eh)) {
        err = rp_error(-EINVAL, "%s: is truncated: %llu bytes, shorter than an "
                       "ELF64 header (%zu bytes)", path, (ull)fsize, sizeof(eh));
        goto out_close;
    }
    err = check_ehdr(path, &eh, fsize);
    if (err < 0)
        goto out_close;

    ph = calloc(eh.e_phnum, sizeof(*ph));
    buf = malloc(LOAD_CHUNK);
    if (!ph || !buf) {
        err = rp_error(-ENOMEM, "%s: out of memory while loading", path);
        goto out_free;
    }
    err = read_at(fd, path, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff);
    if (err < 0)
        goto out_free;

    /* Validate every segment before touching RAM. */
    uint64_t lo = UINT64_MAX, hi = 0;
    int nload = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        err = check_phdr(b, fd, path, &eh, i, &ph[i], fsize, buf);
        if (err < 0)
            goto out_free;
        if (ph[i].p_memsz == 0)
            continue;
        nload++;
        if (ph[i].p_paddr < lo)
            lo = ph[i].p_paddr;
        if (ph[i].p_paddr + ph[i].p_memsz > hi)
            hi = ph[i].p_paddr + ph[i].p_memsz;
    }
    if (nload == 0) {
        err = rp_error(-EINVAL, "%s: has no loadable segments", path);
        goto out_free;
    }

    for (int i = 0; i < eh.e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        err = copy_to_ram(b, fd, path, buf, p->p_offset, p->p_paddr, p->p_filesz);
        if (err < 0)
            goto out_free;
        err = zero_ram(b, path, buf, p->p_paddr + p->p_filesz, p->p_memsz - p->p_filesz);
        if (err < 0)
            goto out_free;
    }
    if (entry)
        *entry = eh.e_entry;
    if (lowest)
        *lowest = lo;
    if (highest)
        *highest = hi;
    err = 0;

out_free:
    free(buf);
    free(ph);
out_close:
    close(fd);
    return err;
}

int loader_load_raw(struct bus *b, const char *path, uint64_t addr, uint64_t *size)
{
    int fd;
    uint64_t fsize;
    int err = open_image(path, &fd, &fsize);
    if (err < 0)
        return err;
    uint8_t *buf = NULL;
    if (fsize == 0) {
        err = rp_error(-EINVAL, "%s: is empty", path);
        goto out;
    }
    if (!bus_is_ram(b, addr, 1)) {
        err = rp_error(-EFAULT, "%s: load address 0x%llx is outside guest RAM "
                       "(0x%llx..0x%llx)", path, (ull)addr, (ull)b->ram_base,
                       (ull)(b->ram_base + b->ram_size));
        goto out;
    }
    uint64_t room = b->ram_size - (addr - b->ram_base);
    if (fsize > room) {
        err = rp_error(-EFBIG, "%s: is %llu bytes, but only %llu bytes of guest "
                       "RAM remain from 0x%llx (use a larger -m)", path,
                       (ull)fsize, (ull)room, (ull)addr);
        goto out;
    }
    buf = malloc(LOAD_CHUNK);
    if (!buf) {
        err = rp_error(-ENOMEM, "%s: out of memory while loading", path);
        goto out;
    }
    err = copy_to_ram(b, fd, path, buf, 0, addr, fsize);
    if (err == 0 && size)
        *size = fsize;
out:
    free(buf);
    close(fd);
    return err;
}
