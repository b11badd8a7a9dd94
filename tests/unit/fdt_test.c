/* Unit tests for fdt.c: build the tree for a fake machine and read it back
 * with libfdt: root cells, memory reg, one cpu node per hart with the ISA
 * string and an interrupt controller, chosen (bootargs, initrd, stdout-path
 * resolving to the UART), the optional CLINT/PLIC/RTC/virtio nodes and their
 * phandle references, growth past the first buffer, and refused inputs.
 * Set FDT_TEST_DUMP=file to keep the full tree for `dtc -I dtb -O dts`. */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "emu/fdt.h"
#include "emu/machine.h"
#include "stubs.h"
#include "unit.h"
#include "util.h"

#define RAM_SIZE (128ULL << 20)

static uint32_t get_u32(const void *fdt, int node, const char *name, int idx)
{
    int len = 0;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    if (!p || len < 4 * (idx + 1))
        return 0xdeadbeef;
    return fdt32_to_cpu(p[idx]);
}

static uint64_t get_u64(const void *fdt, int node, const char *name, int idx)
{
    return (uint64_t)get_u32(fdt, node, name, 2 * idx) << 32 |
           get_u32(fdt, node, name, 2 * idx + 1);
}

static const char *get_str(const void *fdt, int node, const char *name)
{
    int len = 0;
    const char *s = fdt_getprop(fdt, node, name, &len);
    return s && len > 0 && s[len - 1] == '\0' ? s : "";
}

static int count_subnodes_prefixed(const void *fdt, int parent, const char *prefix)
{
    int n = 0, child;
    fdt_for_each_subnode(child, fdt, parent) {
        const char *name = fdt_get_name(fdt, child, NULL);
        if (name && strncmp(name, prefix, strlen(prefix)) == 0)
            n++;
    }
    return n;
}

static void test_minimal(struct machine *m)
{
    void *fdt = NULL;
    size_t size = 0;
    int r = fdt_build(m, 0, 0, &fdt, &size);
    CHECK(r == 0, "fdt_build: %s", rp_strerror(r));
    if (r)
        return;
    CHECK(fdt_check_header(fdt) == 0, "header");
    CHECK(fdt_totalsize(fdt) == size, "size %zu vs totalsize %u", size, fdt_totalsize(fdt));

    int root = fdt_path_offset(fdt, "/");
    CHECK(get_u32(fdt, root, "#address-cells", 0) == 2, "root #address-cells");
    CHECK(get_u32(fdt, root, "#size-cells", 0) == 2, "root #size-cells");
    CHECK(strcmp(get_str(fdt, root, "compatible"), "riscv-virtio") == 0, "root compatible");
    CHECK(strcmp(get_str(fdt, root, "model"), "riscv-virtio,qemu") == 0, "model");

    int mem = fdt_path_offset(fdt, "/memory@80000000");
    CHECK(mem >= 0, "memory node");
    CHECK(strcmp(get_str(fdt, mem, "device_type"), "memory") == 0, "memory device_type");
    CHECK(get_u64(fdt, mem, "reg", 0) == VIRT_DRAM_BASE, "memory base");
    CHECK(get_u64(fdt, mem, "reg", 1) == RAM_SIZE, "memory size 0x%llx",
          (unsigned long long)get_u64(fdt, mem, "reg", 1));

    int cpus = fdt_path_offset(fdt, "/cpus");
    CHECK(cpus >= 0, "cpus node");
    CHECK(get_u32(fdt, cpus, "timebase-frequency", 0) == 10000000, "timebase");
    CHECK(count_subnodes_prefixed(fdt, cpus, "cpu@") == 1, "one cpu");

    int chosen = fdt_path_offset(fdt, "/chosen");
    CHECK(chosen >= 0, "chosen");
    CHECK(fdt_getprop(fdt, chosen, "bootargs", NULL) == NULL, "no bootargs without -append");
    CHECK(fdt_getprop(fdt, chosen, "linux,initrd-start", NULL) == NULL, "no initrd");
    CHECK(strcmp(get_str(fdt, chosen, "stdout-path"), "/soc/serial@10000000") == 0,
          "stdout-path");

    int ser = fdt_path_offset(fdt, "/soc/serial@10000000");
    CHECK(ser >= 0, "serial node");
    CHECK(fdt_getprop(fdt, ser, "interrupts", NULL) == NULL, "no interrupts without a PLIC");
    CHECK(fdt_path_offset(fdt, "/soc/plic@c000000") < 0, "no PLIC node");
    CHECK(fdt_path_offset(fdt, "/soc/clint@2000000") < 0, "no CLINT node");
    CHECK(fdt_path_offset(fdt, "/soc/rtc@101000") < 0, "no RTC node");
    CHECK(count_subnodes_prefixed(fdt, fdt_path_offset(fdt, "/soc"), "virtio_mmio@") == 0,
          "no virtio nodes");
    CHECK(fdt_path_offset(fdt, "/soc/test@100000") >= 0, "test finisher node");
    free(fdt);
}

static void test_full(struct machine *m)
{
    static struct machine_config cfg;
    cfg.append = "console=ttyS0 earlycon=sbi";
    m->cfg = &cfg;
    m->nharts = 3;
    /* Placeholders: fdt.c only tests these for NULL. */
    m->clint = (struct clint *)(uintptr_t)1;
    m->plic = (struct plic *)(uintptr_t)1;
    m->rtc = (struct rtc *)(uintptr_t)1;
    m->nvirtio = 2;

    void *fdt = NULL;
    size_t size = 0;
    int r = fdt_build(m, 0x84000000, 0x84100000, &fdt, &size);
    CHECK(r == 0, "fdt_build: %s", rp_strerror(r));
    if (r)
        return;
    const char *dump = getenv("FDT_TEST_DUMP");
    if (dump) {
        FILE *f = fopen(dump, "wb");
        if (f) {
            fwrite(fdt, 1, size, f);
            fclose(f);
        }
    }

    int chosen = fdt_path_offset(fdt, "/chosen");
    CHECK(strcmp(get_str(fdt, chosen, "bootargs"), cfg.append) == 0, "bootargs");
    CHECK(get_u64(fdt, chosen, "linux,initrd-start", 0) == 0x84000000, "initrd-start");
    CHECK(get_u64(fdt, chosen, "linux,initrd-end", 0) == 0x84100000, "initrd-end");
    const char *sp = get_str(fdt, chosen, "stdout-path");
    CHECK(fdt_path_offset(fdt, sp) >= 0, "stdout-path %s resolves", sp);

    int cpus = fdt_path_offset(fdt, "/cpus");
    CHECK(count_subnodes_prefixed(fdt, cpus, "cpu@") == 3, "three cpus");
    for (int h = 0; h < 3; h++) {
        char p[64];
        snprintf(p, sizeof(p), "/cpus/cpu@%d", h);
        int cpu = fdt_path_offset(fdt, p);
        CHECK(cpu >= 0, "%s", p);
        CHECK(get_u32(fdt, cpu, "reg", 0) == (uint32_t)h, "%s reg", p);
        CHECK(strcmp(get_str(fdt, cpu, "riscv,isa"), "rv64imafdc_zicsr_zifencei") == 0,
              "%s isa %s", p, get_str(fdt, cpu, "riscv,isa"));
        CHECK(strcmp(get_str(fdt, cpu, "mmu-type"), "riscv,sv48") == 0, "%s mmu-type", p);
        CHECK(strcmp(get_str(fdt, cpu, "status"), "okay") == 0, "%s status", p);
        CHECK(strcmp(get_str(fdt, cpu, "device_type"), "cpu") == 0, "%s device_type", p);
        int intc = fdt_subnode_offset(fdt, cpu, "interrupt-controller");
        CHECK(intc >= 0, "%s intc", p);
        CHECK(fdt_getprop(fdt, intc, "interrupt-controller", NULL) != NULL, "intc flag");
        CHECK(strcmp(get_str(fdt, intc, "compatible"), "riscv,cpu-intc") == 0, "intc compat");
        snprintf(p, sizeof(p), "/cpus/cpu-map/cluster0/core%d", h);
        int core = fdt_path_offset(fdt, p);
        CHECK(core >= 0 && fdt_node_offset_by_phandle(fdt, get_u32(fdt, core, "cpu", 0)) == cpu,
              "%s points at cpu@%d", p, h);
    }

    int plic = fdt_path_offset(fdt, "/soc/plic@c000000");
    CHECK(plic >= 0, "plic node");
    CHECK(get_u32(fdt, plic, "riscv,ndev", 0) == 0x5f, "riscv,ndev");
    CHECK(get_u64(fdt, plic, "reg", 1) == 0x600000, "plic reg size");
    CHECK(fdt_node_check_compatible(fdt, plic, "riscv,plic0") == 0, "plic compatible");
    int len = 0;
    fdt_getprop(fdt, plic, "interrupts-extended", &len);
    CHECK(len == 3 * 4 * 4, "plic interrupts-extended has 4 cells per hart (%d)", len);
    for (int h = 0; h < 3; h++) {
        int intc = fdt_node_offset_by_phandle(fdt, get_u32(fdt, plic, "interrupts-extended", 4 * h));
        int cpu = fdt_parent_offset(fdt, intc);
        CHECK(intc >= 0 && get_u32(fdt, cpu, "reg", 0) == (uint32_t)h, "plic ctx of hart %d", h);
        CHECK(get_u32(fdt, plic, "interrupts-extended", 4 * h + 1) == 11, "M external");
        CHECK(get_u32(fdt, plic, "interrupts-extended", 4 * h + 3) == 9, "S external");
    }
    uint32_t plic_ph = fdt_get_phandle(fdt, plic);

    int clint = fdt_path_offset(fdt, "/soc/clint@2000000");
    CHECK(clint >= 0, "clint node");
    CHECK(fdt_node_check_compatible(fdt, clint, "sifive,clint0") == 0, "clint compatible");
    CHECK(get_u32(fdt, clint, "interrupts-extended", 1) == 3 &&
          get_u32(fdt, clint, "interrupts-extended", 3) == 7, "clint M soft/timer");

    int ser = fdt_path_offset(fdt, "/soc/serial@10000000");
    CHECK(get_u32(fdt, ser, "interrupts", 0) == 10, "uart irq");
    CHECK(get_u32(fdt, ser, "interrupt-parent", 0) == plic_ph, "uart parent is the plic");
    CHECK(get_u32(fdt, ser, "clock-frequency", 0) == 0x384000, "uart clock");
    CHECK(get_u64(fdt, ser, "reg", 1) == 0x100, "uart reg size");
    CHECK(fdt_node_check_compatible(fdt, ser, "ns16550a") == 0, "uart compatible");

    int rtc = fdt_path_offset(fdt, "/soc/rtc@101000");
    CHECK(rtc >= 0 && get_u32(fdt, rtc, "interrupts", 0) == 11, "rtc irq 11");

    int soc = fdt_path_offset(fdt, "/soc");
    CHECK(count_subnodes_prefixed(fdt, soc, "virtio_mmio@") == 2, "two virtio slots");
    int v1 = fdt_path_offset(fdt, "/soc/virtio_mmio@10002000");
    CHECK(v1 >= 0 && get_u32(fdt, v1, "interrupts", 0) == 2, "virtio slot 1 irq 2");
    CHECK(fdt_path_offset(fdt, "/soc/virtio_mmio@10003000") < 0, "no slot 2");

    int test = fdt_path_offset(fdt, "/soc/test@100000");
    CHECK(fdt_node_check_compatible(fdt, test, "sifive,test0") == 0 &&
          fdt_node_check_compatible(fdt, test, "syscon") == 0, "test compatible list");
    int off = fdt_path_offset(fdt, "/poweroff");
    CHECK(off >= 0 && fdt_node_offset_by_phandle(fdt, get_u32(fdt, off, "regmap", 0)) == test,
          "poweroff regmap -> test");
    CHECK(get_u32(fdt, off, "value", 0) == 0x5555, "poweroff value");
    int reb = fdt_path_offset(fdt, "/reboot");
    CHECK(reb >= 0 && get_u32(fdt, reb, "value", 0) == 0x7777, "reboot value");
    CHECK(fdt_node_check_compatible(fdt, reb, "syscon-reboot") == 0, "reboot compatible");
    free(fdt);
}

static void test_limits(struct machine *m)
{
    /* A command line bigger than the first buffer grows it. */
    static struct machine_config cfg;
    size_t n = 200000;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    big[n] = '\0';
    cfg.append = big;
    m->cfg = &cfg;
    void *fdt = NULL;
    size_t size = 0;
    int r = fdt_build(m, 0, 0, &fdt, &size);
    CHECK(r == 0, "big bootargs: %s", rp_strerror(r));
    if (r == 0) {
        CHECK(strlen(get_str(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs")) == n,
              "big bootargs intact");
        free(fdt);
    }
    free(big);

    n = 5u << 20;
    big = malloc(n + 1);
    memset(big, 'y', n);
    big[n] = '\0';
    cfg.append = big;
    fdt = NULL;
    r = fdt_build(m, 0, 0, &fdt, &size);
    CHECK(r == -ENOSPC && fdt == NULL, "absurd bootargs refused: %d", r);
    CHECK(strstr(rp_strerror(r), "device tree") != NULL, "message: %s", rp_strerror(r));
    free(big);
    cfg.append = NULL;

    m->nharts = 0;
    CHECK(fdt_build(m, 0, 0, &fdt, &size) == -EINVAL, "0 harts refused");
    m->nharts = MAX_HARTS + 1;
    CHECK(fdt_build(m, 0, 0, &fdt, &size) == -EINVAL, "too many harts refused");
    m->nharts = MAX_HARTS;
    m->nvirtio = 9;
    CHECK(fdt_build(m, 0, 0, &fdt, &size) == -EINVAL, "9 virtio slots refused");
    m->nvirtio = 8;
    r = fdt_build(m, 0, 0, &fdt, &size);
    CHECK(r == 0, "8 harts, 8 virtio: %s", rp_strerror(r));
    if (r == 0) {
        CHECK(count_subnodes_prefixed(fdt, fdt_path_offset(fdt, "/cpus"), "cpu@") == 8, "8 cpus");
        free(fdt);
    }
}

int main(void)
{
    struct machine *m = calloc(1, sizeof(*m));
    if (!m || bus_init(&m->bus, VIRT_DRAM_BASE, RAM_SIZE) < 0)
        return 2;
    m->nharts = 1;

    test_minimal(m);
    test_full(m);
    test_limits(m);

    bus_destroy(&m->bus);
    free(m);
    return unit_done("fdt_test");
}
