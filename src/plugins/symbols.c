/* Symbol names for qemu_plugin_insn_symbol: the .symtab of the ELF images
 * the machine loaded (-bios, -kernel), read with our own ELF64 parser into
 * one table of [start, end) ranges sorted by address. Code symbols only
 * (sections with SHF_EXECINSTR); a symbol without a size extends to the next
 * one, so assembly labels name the code that follows them. Raw images have
 * no symbols. Every field a file controls is checked. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "util.h"

struct sym {
    uint64_t start, end;
    const char *name;     /* into the owning file's string table copy */
    int rank;             /* preference among symbols at one address */
};

static struct sym *syms;
static size_t nsyms, capsyms;
static char **pools;      /* string tables, one per file (owned) */
static int npools;

void symbols_free(void)
{
    free(syms);
    syms = NULL;
    nsyms = capsyms = 0;
    for (int i = 0; i < npools; i++)
        free(pools[i]);
    free(pools);
    pools = NULL;
    npools = 0;
}

static int read_at(int fd, uint64_t off, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n <= 0)
            return -1;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int push(uint64_t start, uint64_t end, const char *name, int rank)
{
    if (nsyms == capsyms) {
        size_t cap = capsyms ? capsyms * 2 : 256;
        struct sym *s = realloc(syms, cap * sizeof(*s));
        if (!s)
            return -ENOMEM;
        syms = s;
        capsyms = cap;
    }
    syms[nsyms++] = (struct sym){ start, end, name, rank };
    return 0;
}

/* Reads one ELF64 little-endian file's code symbols. 0 when the file has
 * none or is not ELF; a negative code with a message when it is malformed. */
static int load_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    int r = 0;
    struct stat st;
    Elf64_Ehdr eh;
    Elf64_Shdr *sh = NULL;
    char *strtab = NULL;
    if (fstat(fd, &st) || read_at(fd, 0, &eh, sizeof(eh)) ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG))
        goto close_fd;   /* not ELF: a raw image */
    uint64_t fsize = (uint64_t)st.st_size;
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 ||
        eh.e_shoff > fsize || (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > fsize - eh.e_shoff) {
        r = rp_error(-EINVAL, "%s: malformed ELF section headers", path);
        goto close_fd;
    }
    sh = malloc((size_t)eh.e_shnum * sizeof(*sh));
    if (!sh) {
        r = -ENOMEM;
        goto close_fd;
    }
    if (read_at(fd, eh.e_shoff, sh, (size_t)eh.e_shnum * sizeof(*sh))) {
        r = rp_error(-EINVAL, "%s: cannot read the ELF section headers", path);
        goto free_sh;
    }
    for (unsigned s = 0; s < eh.e_shnum; s++) {
        if (sh[s].sh_type != SHT_SYMTAB)
            continue;
        const Elf64_Shdr *symsh = &sh[s];
        if (symsh->sh_link >= eh.e_shnum || symsh->sh_entsize != sizeof(Elf64_Sym) ||
            symsh->sh_offset > fsize || symsh->sh_size > fsize - symsh->sh_offset) {
            r = rp_error(-EINVAL, "%s: malformed symbol table", path);
            goto free_sh;
        }
        const Elf64_Shdr *strsh = &sh[symsh->sh_link];
        if (strsh->sh_offset > fsize || strsh->sh_size > fsize - strsh->sh_offset ||
            strsh->sh_size == 0) {
            r = rp_error(-EINVAL, "%s: malformed symbol string table", path);
            goto free_sh;
        }
        strtab = malloc(strsh->sh_size + 1);
        char **np = realloc(pools, (size_t)(npools + 1) * sizeof(*pools));
        if (!strtab || !np) {
            if (np)
                pools = np;
            r = -ENOMEM;
            goto free_sh;
        }
        pools = np;
        if (read_at(fd, strsh->sh_offset, strtab, strsh->sh_size)) {
            r = rp_error(-EINVAL, "%s: cannot read the symbol names", path);
            goto free_sh;
        }
        strtab[strsh->sh_size] = 0;
        pools[npools++] = strtab;
        strtab = NULL;
        const char *names = pools[npools - 1];
        uint64_t n = symsh->sh_size / sizeof(Elf64_Sym);
        for (uint64_t k = 1; k < n; k++) {
            Elf64_Sym sym;
            if (read_at(fd, symsh->sh_offset + k * sizeof(sym), &sym, sizeof(sym))) {
                r = rp_error(-EINVAL, "%s: cannot read the symbol table", path);
                goto free_sh;
            }
            unsigned type = ELF64_ST_TYPE(sym.st_info);
            if ((type != STT_FUNC && type != STT_NOTYPE) || sym.st_shndx == SHN_UNDEF ||
                sym.st_shndx >= eh.e_shnum || !(sh[sym.st_shndx].sh_flags & SHF_EXECINSTR) ||
                sym.st_name == 0 || sym.st_name >= strsh->sh_size)
                continue;
            const char *name = names + sym.st_name;
            if (name[0] == '$' || !strncmp(name, ".L", 2))
                continue;      /* mapping symbols and local labels */
            const Elf64_Shdr *sec = &sh[sym.st_shndx];
            uint64_t end = sym.st_size ? sym.st_value + sym.st_size : sec->sh_addr + sec->sh_size;
            int rank = (type == STT_FUNC ? 2 : 0) + (ELF64_ST_BIND(sym.st_info) != STB_LOCAL);
            r = push(sym.st_value, end, name, sym.st_size ? rank + 4 : rank);
            if (r)
                goto free_sh;
        }
    }
free_sh:
    free(strtab);
    free(sh);
close_fd:
    close(fd);
    return r;
}

static int by_start(const void *a, const void *b)
{
    const struct sym *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return y->rank - x->rank;   /* preferred first */
}

int symbols_load(const char *const *paths, int n)
{
    symbols_free();
    for (int i = 0; i < n; i++) {
        if (!paths[i])
            continue;
        int r = load_file(paths[i]);
        if (r)
            return r;
    }
    if (!nsyms)
        return 0;
    qsort(syms, nsyms, sizeof(*syms), by_start);
    /* One entry per address; an unsized symbol ends where the next begins. */
    size_t out = 0;
    for (size_t i = 0; i < nsyms; i++) {
        if (out && syms[out - 1].start == syms[i].start)
            continue;
        syms[out++] = syms[i];
    }
    nsyms = out;
    for (size_t i = 0; i + 1 < nsyms; i++) {
        if (syms[i].rank < 4 && syms[i + 1].start < syms[i].end)
            syms[i].end = syms[i + 1].start;
    }
    return 0;
}

const char *symbols_lookup(uint64_t addr)
{
    size_t lo = 0, hi = nsyms;
    while (lo < hi) {     /* first entry with start > addr */
        size_t mid = lo + (hi - lo) / 2;
        if (syms[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* The innermost symbol that covers addr: walk back over the few sized
     * symbols that may enclose it. */
    for (size_t i = lo, tries = 0; i > 0 && tries < 8; i--, tries++) {
        if (addr < syms[i - 1].end)
            return syms[i - 1].name;
    }
    return NULL;
}
