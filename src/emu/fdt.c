/* The flattened device tree for the virt board (see fdt.h), written with
 * libfdt's sequential-write API in the shape QEMU's hw/riscv/virt.c gives it,
 * describing only the devices that exist in struct machine. Owns nothing
 * after it returns; the caller owns the blob. */
#include "fdt.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "util.h"

/* What the harts implement, as guests read it from /cpus/cpu@N. */
#define FDT_RISCV_ISA   "rv64imafdc_zicsr_zifencei"
#define FDT_MMU_TYPE    "riscv,sv48"

#define FDT_PLIC_SIZE   0x600000ULL   /* reg size QEMU advertises */
#define FDT_PLIC_NDEV   0x5f          /* sources 1..95 */
#define FDT_UART_CLOCK  0x384000      /* 3.6864 MHz, QEMU's value */
#define FDT_VIRTIO_MAX  8

#define FDT_INITIAL_SIZE (64 * 1024)
#define FDT_MAX_SIZE     (4 * 1024 * 1024)

/* Interrupt numbers on a hart's local interrupt controller (mip bits). */
#define IRQ_S_EXT  9
#define IRQ_M_SOFT 3
#define IRQ_M_TIMER 7
#define IRQ_M_EXT  11

/* A writer with a sticky libfdt error: every call is checked, and once one
 * fails the rest are skipped and the first error is reported. */
struct fdtw {
    void *fdt;
    int err;
};

static void fw_check(struct fdtw *w, int r)
{
    if (r < 0 && !w->err)
        w->err = r;
}

static void fw_begin(struct fdtw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fw_begin(struct fdtw *w, const char *fmt, ...)
{
    char name[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    if (!w->err)
        fw_check(w, fdt_begin_node(w->fdt, name));
}

static void fw_end(struct fdtw *w)
{
    if (!w->err)
        fw_check(w, fdt_end_node(w->fdt));
}

static void fw_prop(struct fdtw *w, const char *name, const void *val, int len)
{
    if (!w->err)
        fw_check(w, fdt_property(w->fdt, name, val, len));
}

static void fw_u32(struct fdtw *w, const char *name, uint32_t v)
{
    if (!w->err)
        fw_check(w, fdt_property_u32(w->fdt, name, v));
}

static void fw_u64(struct fdtw *w, const char *name, uint64_t v)
{
    if (!w->err)
        fw_check(w, fdt_property_u64(w->fdt, name, v));
}

static void fw_str(struct fdtw *w, const char *name, const char *s)
{
    fw_prop(w, name, s, (int)strlen(s) + 1);
}

static void fw_empty(struct fdtw *w, const char *name)
{
    fw_prop(w, name, "", 0);
}

/* A string list given as one literal with embedded NULs: "a\0b". */
#define fw_strlist(w, name, lit) fw_prop((w), (name), (lit), (int)sizeof(lit))

static void fw_cells(struct fdtw *w, const char *name, const uint32_t *cells, int n)
{
    fdt32_t be[4 * MAX_HARTS];
    if (n > (int)ARRAY_SIZE(be)) {
        if (!w->err)
            w->err = -FDT_ERR_INTERNAL;
        return;
    }
    for (int i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    fw_prop(w, name, be, n * (int)sizeof(fdt32_t));
}

/* reg = <base size> with #address-cells = #size-cells = 2. */
static void fw_reg(struct fdtw *w, uint64_t base, uint64_t size)
{
    const uint32_t cells[4] = {
        (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size,
    };
    fw_cells(w, "reg", cells, 4);
}

/* Phandles are fixed up front so that a node may refer to one written later
 * (libfdt's sequential writer cannot go back to add a property). */
static uint32_t ph_cpu(int hart)  { return 1 + 2 * (uint32_t)hart; }
static uint32_t ph_intc(int hart) { return 2 + 2 * (uint32_t)hart; }
static uint32_t ph_plic(const struct machine *m) { return 1 + 2 * (uint32_t)m->nharts; }
static uint32_t ph_test(const struct machine *m) { return 2 + 2 * (uint32_t)m->nharts; }

/* interrupts-extended = <intc(h) a intc(h) b> for every hart h. */
static void fw_irqs_ext(struct fdtw *w, const struct machine *m, uint32_t a, uint32_t b)
{
    uint32_t cells[4 * MAX_HARTS];
    for (int h = 0; h < m->nharts; h++) {
        cells[4 * h + 0] = ph_intc(h);
        cells[4 * h + 1] = a;
        cells[4 * h + 2] = ph_intc(h);
        cells[4 * h + 3] = b;
    }
    fw_cells(w, "interrupts-extended", cells, 4 * m->nharts);
}

static void fw_plic_irq(struct fdtw *w, const struct machine *m, uint32_t irq)
{
    if (!m->plic)
        return;
    fw_u32(w, "interrupts", irq);
    fw_u32(w, "interrupt-parent", ph_plic(m));
}

static void write_cpus(struct fdtw *w, const struct machine *m)
{
    fw_begin(w, "cpus");
    fw_u32(w, "#address-cells", 1);
    fw_u32(w, "#size-cells", 0);
    fw_u32(w, "timebase-frequency", (uint32_t)VIRT_TIMEBASE_FREQ);
    for (int h = 0; h < m->nharts; h++) {
        fw_begin(w, "cpu@%d", h);
        fw_u32(w, "phandle", ph_cpu(h));
        fw_str(w, "device_type", "cpu");
        fw_u32(w, "reg", (uint32_t)h);
        fw_str(w, "status", "okay");
        fw_str(w, "compatible", "riscv");
        fw_str(w, "riscv,isa", FDT_RISCV_ISA);
        fw_str(w, "mmu-type", FDT_MMU_TYPE);
        fw_begin(w, "interrupt-controller");
        fw_u32(w, "#address-cells", 0);     /* keeps dtc's checks quiet */
        fw_u32(w, "#interrupt-cells", 1);
        fw_empty(w, "interrupt-controller");
        fw_str(w, "compatible", "riscv,cpu-intc");
        fw_u32(w, "phandle", ph_intc(h));
        fw_end(w);
        fw_end(w);
    }
    fw_begin(w, "cpu-map");
    fw_begin(w, "cluster0");
    for (int h = 0; h < m->nharts; h++) {
        fw_begin(w, "core%d", h);
        fw_u32(w, "cpu", ph_cpu(h));
        fw_end(w);
    }
    fw_end(w);
    fw_end(w);
    fw_end(w);
}

static void write_soc(struct fdtw *w, const struct machine *m)
{
    fw_begin(w, "soc");
    fw_u32(w, "#address-cells", 2);
    fw_u32(w, "#size-cells", 2);
    fw_str(w, "compatible", "simple-bus");
    fw_empty(w, "ranges");

    if (m->clint) {
        fw_begin(w, "clint@%llx", (unsigned long long)VIRT_CLINT_BASE);
        fw_strlist(w, "compatible", "sifive,clint0\0riscv,clint0");
        fw_reg(w, VIRT_CLINT_BASE, VIRT_CLINT_SIZE);
        fw_irqs_ext(w, m, IRQ_M_SOFT, IRQ_M_TIMER);
        fw_end(w);
    }
    if (m->plic) {
        fw_begin(w, "plic@%llx", (unsigned long long)VIRT_PLIC_BASE);
        fw_u32(w, "phandle", ph_plic(m));
        fw_u32(w, "#address-cells", 0);
        fw_u32(w, "#interrupt-cells", 1);
        fw_empty(w, "interrupt-controller");
        fw_strlist(w, "compatible", "sifive,plic-1.0.0\0riscv,plic0");
        fw_u32(w, "riscv,ndev", FDT_PLIC_NDEV);
        fw_reg(w, VIRT_PLIC_BASE, FDT_PLIC_SIZE);
        fw_irqs_ext(w, m, IRQ_M_EXT, IRQ_S_EXT);
        fw_end(w);
    }
    if (m->rtc) {
        fw_begin(w, "rtc@%llx", (unsigned long long)VIRT_RTC_BASE);
        fw_str(w, "compatible", "google,goldfish-rtc");
        fw_reg(w, VIRT_RTC_BASE, VIRT_RTC_SIZE);
        fw_plic_irq(w, m, VIRT_RTC_IRQ);
        fw_end(w);
    }

    fw_begin(w, "serial@%llx", (unsigned long long)VIRT_UART0_BASE);
    fw_str(w, "compatible", "ns16550a");
    fw_reg(w, VIRT_UART0_BASE, VIRT_UART0_SIZE);
    fw_u32(w, "clock-frequency", FDT_UART_CLOCK);
    fw_plic_irq(w, m, VIRT_UART0_IRQ);
    fw_end(w);

    fw_begin(w, "test@%llx", (unsigned long long)VIRT_TEST_BASE);
    fw_u32(w, "phandle", ph_test(m));
    fw_strlist(w, "compatible", "sifive,test1\0sifive,test0\0syscon");
    fw_reg(w, VIRT_TEST_BASE, VIRT_TEST_SIZE);
    fw_end(w);

    /* Slot i is described only when it exists; in descending address order,
     * as QEMU lists them (it adds each node before the previous ones), so
     * Linux probes slot 7, where the first device goes, first. */
    for (int i = m->nvirtio - 1; i >= 0; i--) {
        uint64_t base = VIRT_VIRTIO_BASE + (uint64_t)i * VIRT_VIRTIO_SIZE;
        fw_begin(w, "virtio_mmio@%llx", (unsigned long long)base);
        fw_str(w, "compatible", "virtio,mmio");
        fw_reg(w, base, VIRT_VIRTIO_SIZE);
        fw_plic_irq(w, m, 1 + (uint32_t)i);
        fw_end(w);
    }
    fw_end(w);
}

static void write_syscon(struct fdtw *w, const struct machine *m, const char *node,
                         const char *compat, uint32_t value)
{
    fw_begin(w, "%s", node);
    fw_str(w, "compatible", compat);
    fw_u32(w, "regmap", ph_test(m));
    fw_u32(w, "offset", 0);
    fw_u32(w, "value", value);
    fw_end(w);
}

static int write_tree(const struct machine *m, void *buf, int bufsize,
                      uint64_t initrd_start, uint64_t initrd_end)
{
    struct fdtw w = { .fdt = buf, .err = 0 };
    fw_check(&w, fdt_create(buf, bufsize));
    if (!w.err)
        fw_check(&w, fdt_finish_reservemap(buf));

    fw_begin(&w, "%s", "");
    fw_u32(&w, "#address-cells", 2);
    fw_u32(&w, "#size-cells", 2);
    fw_str(&w, "compatible", "riscv-virtio");
    fw_str(&w, "model", "riscv-virtio,qemu");

    fw_begin(&w, "chosen");
    const char *append = m->cfg ? m->cfg->append : NULL;
    if (append && *append)
        fw_str(&w, "bootargs", append);
    if (initrd_end > initrd_start) {
        fw_u64(&w, "linux,initrd-start", initrd_start);
        fw_u64(&w, "linux,initrd-end", initrd_end);
    }
    char stdout_path[48];
    snprintf(stdout_path, sizeof(stdout_path), "/soc/serial@%llx",
             (unsigned long long)VIRT_UART0_BASE);
    fw_str(&w, "stdout-path", stdout_path);
    fw_end(&w);

    fw_begin(&w, "memory@%llx", (unsigned long long)m->bus.ram_base);
    fw_str(&w, "device_type", "memory");
    fw_reg(&w, m->bus.ram_base, m->bus.ram_size);
    fw_end(&w);

    write_cpus(&w, m);
    write_syscon(&w, m, "poweroff", "syscon-poweroff", 0x5555);
    write_syscon(&w, m, "reboot", "syscon-reboot", 0x7777);
    write_soc(&w, m);

    fw_end(&w);
    if (!w.err)
        fw_check(&w, fdt_finish(buf));
    return w.err;
}

int fdt_build(struct machine *m, uint64_t initrd_start, uint64_t initrd_end,
              void **out, size_t *size)
{
    if (m->nharts < 1 || m->nharts > MAX_HARTS)
        return rp_error(-EINVAL, "cannot describe %d harts in the device tree "
                        "(1..%d)", m->nharts, MAX_HARTS);
    if (m->nvirtio < 0 || m->nvirtio > FDT_VIRTIO_MAX)
        return rp_error(-EINVAL, "cannot describe %d virtio-mmio slots in the "
                        "device tree (0..%d)", m->nvirtio, FDT_VIRTIO_MAX);

    for (int bufsize = FDT_INITIAL_SIZE;; bufsize *= 2) {
        void *buf = calloc(1, (size_t)bufsize);
        if (!buf)
            return rp_error(-ENOMEM, "cannot allocate %d bytes for the device tree",
                            bufsize);
        int err = write_tree(m, buf, bufsize, initrd_start, initrd_end);
        if (err == -FDT_ERR_NOSPACE && bufsize < FDT_MAX_SIZE) {
            free(buf);
            continue;
        }
        if (err < 0) {
            free(buf);
            return rp_error(err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL,
                            "cannot build the device tree: %s", fdt_strerror(err));
        }
        size_t total = fdt_totalsize(buf);
        void *shrunk = realloc(buf, total);
        *out = shrunk ? shrunk : buf;
        *size = total;
        return 0;
    }
}
