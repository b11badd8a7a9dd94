/* An interrupt line: a tiny object a device raises or lowers. The receiver
 * (the PLIC, or a hart's mip bit) supplies the setter. */
#ifndef REPRISE_IRQ_H
#define REPRISE_IRQ_H

struct irq_line {
    void (*set)(void *opaque, int num, int level);
    void *opaque;
    int num;
};

static inline void irq_set(const struct irq_line *l, int level)
{
    if (l && l->set)
        l->set(l->opaque, l->num, level);
}

#endif
