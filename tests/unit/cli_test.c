/* Unit tests for cli.c: full QEMU-style command lines, defaults, every
 * subcommand, plugin argument splitting, and one check per error sentence.
 * Run under -fsanitize=address,undefined to catch leaks on error paths. */
#include <string.h>

#include "cli.h"
#include "util.h"
#include "unit.h"

#define ARGS(...) ((char *[]){ "reprise", __VA_ARGS__, NULL })

static int parse(char **argv, struct cli *c)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    rp_error_clear();
    return cli_parse(argc, argv, c);
}

static bool streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Parses argv, expects -EINVAL with a message containing want, one line. */
static void expect_error(int line, char **argv, const char *want)
{
    struct cli c;
    int rc = parse(argv, &c);
    const char *msg = rp_strerror(rc);
    CHECK(rc == -EINVAL, "line %d: expected -EINVAL, got %d", line, rc);
    CHECK(strstr(msg, want) != NULL, "line %d: message '%s' lacks '%s'", line, msg, want);
    CHECK(!strchr(msg, '\n'), "line %d: message has a newline", line);
    CHECK(c.log_path == NULL && c.cfg.kernel == NULL && c.cfg.nplugins == 0 &&
          c.cfg.ndrives == 0, "line %d: failure left allocations behind", line);
    cli_free(&c);
}
#define EXPECT_ERROR(want, ...) expect_error(__LINE__, ARGS(__VA_ARGS__), want)

static void test_full_qemu_line(void)
{
    struct cli c;
    int rc = parse(ARGS("run", "-M", "virt", "-m", "256M", "-smp", "4", "-bios", "none",
                        "-kernel", "vmlinux", "-initrd", "initrd.img",
                        "-append", "console=ttyS0 root=/dev/vda",
                        "-drive", "file=root.img,format=raw,if=virtio",
                        "-drive", "file=data,,v2.img,if=virtio,format=raw,id=hd1,cache=none",
                        "-nographic", "-serial", "mon:stdio", "-display", "none",
                        "-monitor", "none", "-net", "none", "-no-reboot",
                        "-plugin", "file=libinsn.so,inline=on,verbose",
                        "-d", "plugin", "-D", "out.log", "--stats"), &c);
    CHECK(rc == 0, "full line: %s", rp_strerror(rc));
    CHECK(c.cmd == CMD_RUN, "cmd %d", c.cmd);
    CHECK(c.cfg.ram_size == 256ULL << 20, "ram %llu", (unsigned long long)c.cfg.ram_size);
    CHECK(c.cfg.smp == 4, "smp %d", c.cfg.smp);
    CHECK(streq(c.cfg.bios, "none"), "bios");
    CHECK(streq(c.cfg.kernel, "vmlinux"), "kernel");
    CHECK(streq(c.cfg.initrd, "initrd.img"), "initrd");
    CHECK(streq(c.cfg.append, "console=ttyS0 root=/dev/vda"), "append");
    CHECK(c.cfg.ndrives == 2, "ndrives %d", c.cfg.ndrives);
    CHECK(streq(c.cfg.drives[0], "root.img"), "drive 0");
    CHECK(streq(c.cfg.drives[1], "data,v2.img"), "drive 1 with ,, escape: %s", c.cfg.drives[1]);
    CHECK(c.cfg.nplugins == 1, "nplugins %d", c.cfg.nplugins);
    CHECK(streq(c.cfg.plugins[0].path, "libinsn.so"), "plugin path");
    CHECK(c.cfg.plugins[0].nargs == 2, "plugin nargs %d", c.cfg.plugins[0].nargs);
    CHECK(streq(c.cfg.plugins[0].args[0], "inline=on"), "plugin arg 0");
    CHECK(streq(c.cfg.plugins[0].args[1], "verbose=on"), "bare plugin flag -> verbose=on");
    CHECK(c.cfg.plugins[0].args[2] == NULL, "plugin args NULL-terminated");
    CHECK(c.cfg.debug_plugin, "-d plugin");
    CHECK(streq(c.cfg.logfile, "out.log"), "-D");
    CHECK(c.stats, "--stats");
    CHECK(c.cfg.no_reboot, "-no-reboot");
    CHECK(c.log_path == NULL, "no log for run");
    cli_free(&c);
    cli_free(&c);   /* safe twice */
}

static void test_paste_without_command(void)
{
    struct cli c;
    int rc = parse(ARGS("-machine", "virt,accel=tcg,aia=none,aclint=off,dumpdtb=virt.dtb",
                        "--m", "size=1G", "--smp=cpus=2", "-bios", "fw_jump.bin",
                        "-kernel", "Image", "--nographic"), &c);
    CHECK(rc == 0, "paste: %s", rp_strerror(rc));
    CHECK(c.cmd == CMD_RUN, "leading option means run");
    CHECK(c.cfg.ram_size == 1ULL << 30, "size=1G");
    CHECK(c.cfg.smp == 2, "cpus=2");
    CHECK(streq(c.cfg.bios, "fw_jump.bin"), "bios");
    CHECK(streq(c.cfg.dtb_out, "virt.dtb"), "dumpdtb property");
    cli_free(&c);
}

static void test_defaults(void)
{
    struct cli c;
    int rc = parse(ARGS("run"), &c);
    CHECK(rc == 0, "bare run: %s", rp_strerror(rc));
    CHECK(c.cmd == CMD_RUN, "cmd");
    CHECK(c.cfg.ram_size == 128ULL << 20, "default ram %llu", (unsigned long long)c.cfg.ram_size);
    CHECK(c.cfg.smp == 1, "default smp");
    CHECK(c.cfg.bios == NULL && c.cfg.kernel == NULL && c.cfg.initrd == NULL &&
          c.cfg.append == NULL && c.cfg.logfile == NULL && c.cfg.dtb_out == NULL, "NULL strings");
    CHECK(c.cfg.ndrives == 0 && c.cfg.nplugins == 0 && !c.cfg.debug_plugin, "no extras");
    CHECK(!c.stats && !c.info_events && c.log_path == NULL, "no flags");
    cli_free(&c);

    struct machine_config cfg;
    config_init(&cfg);
    CHECK(cfg.ram_size == 128ULL << 20 && cfg.smp == 1 && cfg.bios == NULL, "config_init");
    config_free(&cfg);
    config_free(&cfg);
}

static void test_sizes_and_harts(void)
{
    static const struct { const char *arg; unsigned long long want; } sizes[] = {
        { "512", 512ULL << 20 }, { "256M", 256ULL << 20 }, { "2G", 2ULL << 30 },
        { "size=64M", 64ULL << 20 }, { "1048576", 1048576ULL << 20 },
        { "1025K", 1028ULL << 10 },   /* rounded up to 4 KiB */
    };
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        struct cli c;
        int rc = parse(ARGS("run", "-m", (char *)sizes[i].arg), &c);
        CHECK(rc == 0 && c.cfg.ram_size == sizes[i].want, "-m %s -> %llu (%s)", sizes[i].arg,
              (unsigned long long)c.cfg.ram_size, rp_strerror(rc));
        cli_free(&c);
    }
    static const struct { const char *arg; int want; } smps[] = {
        { "1", 1 }, { "8", 8 }, { "cpus=3", 3 }, { "4,sockets=1,cores=2,threads=2", 4 },
        { "cores=4", 4 }, { "2,maxcpus=2", 2 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(smps); i++) {
        struct cli c;
        int rc = parse(ARGS("run", "-smp", (char *)smps[i].arg), &c);
        CHECK(rc == 0 && c.cfg.smp == smps[i].want, "-smp %s -> %d (%s)", smps[i].arg,
              c.cfg.smp, rp_strerror(rc));
        cli_free(&c);
    }
}

static void test_repeats(void)
{
    struct cli c;
    int rc = parse(ARGS("run", "-kernel", "a", "-kernel", "b", "-bios", "x", "-bios", "default",
                        "-append", "one", "-append", "-two", "-D", "l1", "-D", "l2",
                        "-M", "virt,dumpdtb=d1", "-dumpdtb", "d2"), &c);
    CHECK(rc == 0, "repeats: %s", rp_strerror(rc));
    CHECK(streq(c.cfg.kernel, "b"), "last -kernel wins");
    CHECK(c.cfg.bios == NULL, "-bios default means the default firmware");
    CHECK(streq(c.cfg.append, "-two"), "values may start with '-'");
    CHECK(streq(c.cfg.logfile, "l2"), "last -D wins");
    CHECK(streq(c.cfg.dtb_out, "d2"), "last dumpdtb wins");
    cli_free(&c);
}

static void test_plugins(void)
{
    struct cli c;
    int rc = parse(ARGS("replay", "-plugin", "libmem.so", "rec.rlog",
                        "--plugin", "a=1,file=./libhot.so,b=two,,three,c=x=y,flag",
                        "-plugin", "file=libz.so,", "-d", "plugin", "--stats"), &c);
    CHECK(rc == 0, "replay plugins: %s", rp_strerror(rc));
    CHECK(c.cmd == CMD_REPLAY && streq(c.log_path, "rec.rlog"), "replay FILE");
    CHECK(c.cfg.nplugins == 3, "nplugins %d", c.cfg.nplugins);
    struct plugin_spec *p = c.cfg.plugins;
    CHECK(streq(p[0].path, "libmem.so") && p[0].nargs == 0 && p[0].args && !p[0].args[0],
          "implied file=, no args");
    CHECK(streq(p[1].path, "./libhot.so"), "file= anywhere: %s", p[1].path);
    CHECK(p[1].nargs == 4, "nargs %d", p[1].nargs);
    CHECK(streq(p[1].args[0], "a=1"), "arg before file=");
    CHECK(streq(p[1].args[1], "b=two,three"), ",, inside a value: %s", p[1].args[1]);
    CHECK(streq(p[1].args[2], "c=x=y"), "value with '='");
    CHECK(streq(p[1].args[3], "flag=on"), "bare flag");
    CHECK(p[1].args[4] == NULL, "NULL-terminated");
    CHECK(streq(p[2].path, "libz.so") && p[2].nargs == 0, "trailing comma ignored");
    CHECK(c.cfg.debug_plugin && c.stats, "replay flags");
    cli_free(&c);
}

static void test_commands(void)
{
    struct cli c;
    int rc = parse(ARGS("record", "-o", "out.rlog", "-M", "virt", "-bios", "none",
                        "-kernel", "t.elf", "-nographic"), &c);
    CHECK(rc == 0 && c.cmd == CMD_RECORD && streq(c.log_path, "out.rlog"), "record: %s",
          rp_strerror(rc));
    cli_free(&c);

    rc = parse(ARGS("record", "--o=x.rlog"), &c);
    CHECK(rc == 0 && streq(c.log_path, "x.rlog"), "--o=FILE: %s", rp_strerror(rc));
    cli_free(&c);

    rc = parse(ARGS("run", "-stats", "--nographic", "-serial", "stdio"), &c);
    CHECK(rc == 0 && c.stats, "-stats and --stats are one option: %s", rp_strerror(rc));
    cli_free(&c);

    rc = parse(ARGS("info", "--events", "r.rlog"), &c);
    CHECK(rc == 0 && c.cmd == CMD_INFO && c.info_events && streq(c.log_path, "r.rlog"),
          "info --events: %s", rp_strerror(rc));
    cli_free(&c);

    rc = parse(ARGS("info", "r.rlog"), &c);
    CHECK(rc == 0 && c.cmd == CMD_INFO && !c.info_events, "info");
    cli_free(&c);

    static const char *const helps[] = { "--help", "-h", "-help", "help" };
    for (size_t i = 0; i < ARRAY_SIZE(helps); i++) {
        rc = parse(ARGS((char *)helps[i]), &c);
        CHECK(rc == 0 && c.cmd == CMD_HELP, "%s", helps[i]);
        cli_free(&c);
    }
    rc = parse(ARGS("run", "-kernel", "k", "--help"), &c);
    CHECK(rc == 0 && c.cmd == CMD_HELP && c.cfg.kernel == NULL, "run --help");
    cli_free(&c);
    rc = parse(ARGS("--version"), &c);
    CHECK(rc == 0 && c.cmd == CMD_VERSION, "--version");
    cli_free(&c);
    rc = parse(ARGS("-version"), &c);
    CHECK(rc == 0 && c.cmd == CMD_VERSION, "-version");
    cli_free(&c);

    char buf[8192] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    cli_usage(f);
    fclose(f);
    CHECK(strstr(buf, "reprise record -o FILE") && strstr(buf, "-plugin"), "usage text");
}

static void test_errors(void)
{
    char *none[] = { "reprise", NULL };
    expect_error(__LINE__, none, "missing command");
    EXPECT_ERROR("unknown command 'frobnicate'", "frobnicate");
    EXPECT_ERROR("unknown option '-foo' (see 'reprise --help')", "run", "-foo");
    EXPECT_ERROR("unknown option '--foo'", "run", "--foo=3");
    EXPECT_ERROR("unknown option '-m=256M'", "run", "-m=256M");
    EXPECT_ERROR("-m: '12X' is not a size (examples: 256M, 1G)", "run", "-m", "12X");
    EXPECT_ERROR("-m: missing value", "run", "-m");
    EXPECT_ERROR("-kernel: missing value (expected FILE)", "run", "-kernel");
    EXPECT_ERROR("-m: RAM size", "run", "-m", "512K");
    EXPECT_ERROR("-m: RAM size", "run", "-m", "2T");
    EXPECT_ERROR("-m: RAM size", "run", "-m", "0");
    EXPECT_ERROR("more than Reprise supports", "run", "-m", "99999999999999");
    EXPECT_ERROR("-m: maxmem= (memory hotplug) is not supported", "run", "-m", "1G,maxmem=2G");
    EXPECT_ERROR("-m: missing size", "run", "-m", "");
    EXPECT_ERROR("-smp: 9 harts requested but Reprise supports 1 to 8", "run", "-smp", "9");
    EXPECT_ERROR("-smp: 0 harts", "run", "-smp", "0");
    EXPECT_ERROR("-smp: 'two' is not a number of harts", "run", "-smp", "two");
    EXPECT_ERROR("-smp: sockets=2 is not supported", "run", "-smp", "4,sockets=2,cores=2");
    EXPECT_ERROR("topology describes 6 harts but cpus=4", "run", "-smp", "4,cores=3,threads=2");
    EXPECT_ERROR("maxcpus must equal cpus", "run", "-smp", "2,maxcpus=4");
    EXPECT_ERROR("-smp: missing the number of harts", "run", "-smp", "");
    EXPECT_ERROR("-smp: cores=4000000000000 is out of range (1 to 8)", "run", "-smp",
                 "cores=4000000000000,threads=4000000000000");
    EXPECT_ERROR("unknown property 'books'", "run", "-smp", "2,books=1");
    EXPECT_ERROR("-M: machine 'sifive_u' is not supported (only 'virt')", "run", "-M", "sifive_u");
    EXPECT_ERROR("-M: unsupported property 'highmem' for machine 'virt'",
                 "run", "-M", "virt,highmem=on");
    EXPECT_ERROR("aia=aplic-imsic is not supported", "run", "-machine", "virt,aia=aplic-imsic");
    EXPECT_ERROR("accel=kvm is not supported", "run", "-M", "virt,accel=kvm");
    EXPECT_ERROR("acpi=on is not supported", "run", "-M", "virt,acpi=on");
    EXPECT_ERROR("-M: the only supported machine is 'virt'", "run", "-M", "help");
    EXPECT_ERROR("-drive: format=qcow2 is not supported", "run", "-drive",
                 "file=a.qcow2,format=qcow2,if=virtio");
    EXPECT_ERROR("-drive: if=ide is not supported (only if=virtio or if=none)", "run", "-drive",
                 "file=a.img,format=raw,if=ide");
    EXPECT_ERROR("-drive: missing file=", "run", "-drive", "format=raw,if=virtio");
    EXPECT_ERROR("-drive: unsupported property 'readonly'", "run", "-drive",
                 "file=a.img,readonly=on");
    EXPECT_ERROR("-drive: too many drives (at most 8)", "run",
                 "-drive", "file=1", "-drive", "file=2", "-drive", "file=3", "-drive", "file=4",
                 "-drive", "file=5", "-drive", "file=6", "-drive", "file=7", "-drive", "file=8",
                 "-drive", "file=9");
    EXPECT_ERROR("-serial: 'pty' is not supported", "run", "-serial", "pty");
    EXPECT_ERROR("-display: 'gtk' is not supported (only '-display none')",
                 "run", "-display", "gtk");
    EXPECT_ERROR("-monitor: 'stdio' is not supported", "run", "-monitor", "stdio");
    EXPECT_ERROR("-net: 'tap' is not supported", "run", "-net", "tap");
    EXPECT_ERROR("-d: unknown log item 'in_asm' (known items: plugin)", "run", "-d",
                 "plugin,in_asm");
    EXPECT_ERROR("-plugin: missing file=", "run", "-plugin", "a=b");
    EXPECT_ERROR("-plugin: too many plugins (at most 16)", "run",
                 "-plugin", "p", "-plugin", "p", "-plugin", "p", "-plugin", "p",
                 "-plugin", "p", "-plugin", "p", "-plugin", "p", "-plugin", "p",
                 "-plugin", "p", "-plugin", "p", "-plugin", "p", "-plugin", "p",
                 "-plugin", "p", "-plugin", "p", "-plugin", "p", "-plugin", "p",
                 "-plugin", "p");
    EXPECT_ERROR("record: missing -o FILE", "record", "-kernel", "k");
    EXPECT_ERROR("-o is only valid with 'record'", "run", "-o", "x");
    EXPECT_ERROR("-kernel cannot be used with 'replay'", "replay", "r.rlog", "-kernel", "k");
    EXPECT_ERROR("replay: missing the recording", "replay", "--stats");
    EXPECT_ERROR("more than one recording given ('a' and 'b')", "replay", "a", "b");
    EXPECT_ERROR("--stats cannot be used with 'info'", "info", "--stats", "r");
    EXPECT_ERROR("-plugin cannot be used with 'info'", "info", "-plugin", "p", "r");
    EXPECT_ERROR("--events is only valid with 'info'", "run", "--events");
    EXPECT_ERROR("info: missing the recording", "info", "--events");
    EXPECT_ERROR("unexpected argument 'disk.img'", "run", "disk.img");
    EXPECT_ERROR("--stats takes no value", "run", "--stats=yes");
    EXPECT_ERROR("nothing to run: -bios none needs -kernel FILE", "run", "-bios", "none");
    EXPECT_ERROR("-initrd is only allowed with -kernel", "run", "-initrd", "i");
    EXPECT_ERROR("-append is only allowed with -kernel", "run", "-append", "quiet");
    EXPECT_ERROR("-kernel: empty file name", "run", "-kernel", "");
    /* An error after allocations must leave nothing behind (ASan checks). */
    EXPECT_ERROR("unknown option '-bogus'", "record", "-o", "x", "-kernel", "k",
                 "-plugin", "p,a=1", "-drive", "file=d", "-bogus");
}

/* virtio devices: QEMU's spellings in any order, QEMU's slot rule (the
 * highest free slot first, bus= takes its own), and one sentence for each
 * mistake. */
static void test_virtio(void)
{
    struct cli c;
    int rc = parse(ARGS("run", "-kernel", "k", "-device", "virtio-rng-device",
                        "-device", "virtio-blk-device,drive=d0,id=blk0",
                        "-global", "virtio-mmio.force-legacy=false",
                        "-drive", "file=a.img,format=raw,if=virtio",
                        "-device", "virtio-rng-device,bus=virtio-mmio-bus.0",
                        "-drive", "file=b.img,format=raw,if=none,id=d0"), &c);
    CHECK(rc == 0, "virtio line: %s", rp_strerror(rc));
    CHECK(c.cfg.ndrives == 2 && streq(c.cfg.drives[0], "a.img") &&
          streq(c.cfg.drives[1], "b.img"), "drives");
    CHECK(c.cfg.nvirtio == 4, "nvirtio %d", c.cfg.nvirtio);
    CHECK(c.cfg.virtio[0].kind == VIRTIO_KIND_RNG && c.cfg.virtio[0].slot == 7, "rng in 7");
    CHECK(c.cfg.virtio[1].kind == VIRTIO_KIND_BLK && c.cfg.virtio[1].drive == 1 &&
          c.cfg.virtio[1].slot == 6, "blk d0 in 6");
    CHECK(c.cfg.virtio[2].kind == VIRTIO_KIND_BLK && c.cfg.virtio[2].drive == 0 &&
          c.cfg.virtio[2].slot == 5, "if=virtio in 5");
    CHECK(c.cfg.virtio[3].kind == VIRTIO_KIND_RNG && c.cfg.virtio[3].slot == 0, "bus 0");
    CHECK(!c.cfg.virtio_legacy, "force-legacy=false");
    cli_free(&c);

    rc = parse(ARGS("run", "-kernel", "k", "-device", "virtio-blk-device,drive=x",
                    "-drive", "file=x.img,if=none,id=x", "-global",
                    "virtio-mmio.force-legacy=true"), &c);
    CHECK(rc == 0 && c.cfg.virtio_legacy && c.cfg.virtio[0].slot == 7 &&
          c.cfg.virtio[0].drive == 0, "legacy, bind later: %s", rp_strerror(rc));
    cli_free(&c);
    rc = parse(ARGS("run", "-kernel", "k"), &c);
    CHECK(rc == 0 && c.cfg.virtio_legacy && c.cfg.nvirtio == 0, "legacy by default");
    cli_free(&c);
    /* An explicit bus first, then the automatic ones skip it. */
    rc = parse(ARGS("run", "-kernel", "k", "-device", "virtio-rng-device,bus=virtio-mmio-bus.7",
                    "-drive", "file=a.img"), &c);
    CHECK(rc == 0 && c.cfg.virtio[0].slot == 7 && c.cfg.virtio[1].slot == 6, "bus 7 taken");
    cli_free(&c);

    EXPECT_ERROR("-device: device 'virtio-net-pci' is not supported", "run", "-kernel", "k",
                 "-device", "virtio-net-pci");
    EXPECT_ERROR("-device: the supported devices are", "run", "-device", "help");
    EXPECT_ERROR("-device: drive 'nope' is not defined", "run", "-kernel", "k",
                 "-drive", "file=a.img,if=none,id=d0", "-device", "virtio-blk-device,drive=nope");
    EXPECT_ERROR("-device: virtio-blk-device needs drive=ID", "run", "-kernel", "k",
                 "-device", "virtio-blk-device");
    EXPECT_ERROR("-device: drive 'd0' is already in use", "run", "-kernel", "k",
                 "-drive", "file=a.img,if=none,id=d0", "-device", "virtio-blk-device,drive=d0",
                 "-device", "virtio-blk-device,drive=d0");
    EXPECT_ERROR("-device: drive 'd0' is already in use", "run", "-kernel", "k",
                 "-drive", "file=a.img,if=virtio,id=d0", "-device", "virtio-blk-device,drive=d0");
    EXPECT_ERROR("-device: bus 'virtio-mmio-bus.8' does not exist", "run", "-kernel", "k",
                 "-device", "virtio-rng-device,bus=virtio-mmio-bus.8");
    EXPECT_ERROR("-device: bus 'pcie.0' does not exist", "run", "-kernel", "k",
                 "-device", "virtio-rng-device,bus=pcie.0");
    EXPECT_ERROR("-device: bus 'virtio-mmio-bus.7' is full", "run", "-kernel", "k",
                 "-drive", "file=a.img", "-device", "virtio-rng-device,bus=virtio-mmio-bus.7");
    EXPECT_ERROR("-device: unsupported property 'drive' for device 'virtio-rng-device'", "run",
                 "-device", "virtio-rng-device,drive=d0");
    EXPECT_ERROR("-device: too many virtio devices", "run",
                 "-device", "virtio-rng-device", "-device", "virtio-rng-device",
                 "-device", "virtio-rng-device", "-device", "virtio-rng-device",
                 "-device", "virtio-rng-device", "-device", "virtio-rng-device",
                 "-device", "virtio-rng-device", "-device", "virtio-rng-device",
                 "-device", "virtio-rng-device");
    EXPECT_ERROR("-drive: if=none needs id=", "run", "-drive", "file=a.img,if=none");
    EXPECT_ERROR("-drive: duplicate drive id 'd0'", "run", "-drive", "file=a.img,if=none,id=d0",
                 "-drive", "file=b.img,if=none,id=d0");
    EXPECT_ERROR("-global: 'virtio-mmio.foo=1' is not supported", "run", "-global",
                 "virtio-mmio.foo=1");
    EXPECT_ERROR("-global: 'maybe' is not a boolean", "run", "-global",
                 "virtio-mmio.force-legacy=maybe");
    EXPECT_ERROR("-device cannot be used with 'replay'", "replay", "r", "-device",
                 "virtio-rng-device");
}

static bool mac_is(const uint8_t *mac, uint8_t last)
{
    return mac[0] == 0x52 && mac[1] == 0x54 && mac[2] == 0 && mac[3] == 0x12 &&
           mac[4] == 0x34 && mac[5] == last;
}

/* Networks: -netdev user with its hostfwd rules and addresses, the card
 * that names it, QEMU's default MACs, -nic and -net nic/-net user; one
 * sentence for each mistake. */
static void test_net(void)
{
    struct cli c;
    int rc = parse(ARGS("run", "-kernel", "k", "-netdev",
                        "user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp::5353-10.0.2.15:53",
                        "-device", "virtio-net-device,netdev=n0"), &c);
    CHECK(rc == 0, "netdev line: %s", rp_strerror(rc));
    CHECK(c.cfg.nnetdevs == 1 && streq(c.cfg.netdevs[0].id, "n0"), "netdev n0");
    const struct netdev_spec *n = &c.cfg.netdevs[0];
    CHECK(n->net == 0x0a000200 && n->mask == 0xffffff00 && n->host == 0x0a000202 &&
          n->dns == 0x0a000203 && n->dhcp_start == 0x0a00020f, "QEMU's addresses");
    CHECK(n->ipv4 && n->ipv6 && !n->restricted, "defaults");
    CHECK(n->nfwd == 2, "two rules");
    CHECK(!n->fwd[0].udp && n->fwd[0].host_addr == 0x7f000001 && n->fwd[0].host_port == 2222 &&
          n->fwd[0].guest_addr == 0 && n->fwd[0].guest_port == 22, "tcp rule");
    CHECK(n->fwd[1].udp && n->fwd[1].host_addr == 0 && n->fwd[1].host_port == 5353 &&
          n->fwd[1].guest_addr == 0x0a00020f && n->fwd[1].guest_port == 53, "udp rule");
    CHECK(c.cfg.nvirtio == 1 && c.cfg.virtio[0].kind == VIRTIO_KIND_NET &&
          c.cfg.virtio[0].slot == 7 && c.cfg.virtio[0].netdev == 0, "card in slot 7");
    CHECK(mac_is(c.cfg.virtio[0].mac, 0x56), "default MAC 52:54:00:12:34:56");
    cli_free(&c);

    /* The card may come first; a second card gets the next default MAC; a
     * given MAC is kept; a card with no netdev is allowed (no network). */
    rc = parse(ARGS("record", "-o", "r", "-device", "virtio-net-device,netdev=a,id=x",
                    "-device", "virtio-net-device,mac=52:54:00:aa:bb:cc,bus=virtio-mmio-bus.2",
                    "-device", "virtio-net-device",
                    "-netdev", "type=user,id=a,net=192.168.76.0/24,restrict=on,ipv6=off,"
                    "hostname=guest"), &c);
    CHECK(rc == 0, "cards first: %s", rp_strerror(rc));
    CHECK(c.cfg.virtio[0].netdev == 0 && c.cfg.virtio[1].netdev == -1 &&
          c.cfg.virtio[2].netdev == -1, "bindings");
    CHECK(c.cfg.virtio[0].slot == 7 && c.cfg.virtio[1].slot == 2 && c.cfg.virtio[2].slot == 6,
          "slots");
    CHECK(mac_is(c.cfg.virtio[0].mac, 0x56) && mac_is(c.cfg.virtio[2].mac, 0x57) &&
          c.cfg.virtio[1].mac[3] == 0xaa && c.cfg.virtio[1].mac[5] == 0xcc, "MACs");
    n = &c.cfg.netdevs[0];
    CHECK(n->net == 0xc0a84c00 && n->host == 0xc0a84c02 && n->dns == 0xc0a84c03 &&
          n->dhcp_start == 0xc0a84c0f, "addresses follow net=");
    CHECK(n->restricted && !n->ipv6 && streq(n->hostname, "guest"), "flags");
    cli_free(&c);

    rc = parse(ARGS("run", "-netdev", "user,id=b,net=10.0.0.0,host=10.1.0.1,dns=10.9.9.9,"
                    "dhcpstart=10.0.0.100", "-netdev", "user,id=c,net=172.20.0.0/255.255.0.0"),
               &c);
    CHECK(rc == 0, "classful net: %s", rp_strerror(rc));
    CHECK(c.cfg.netdevs[0].mask == 0xff000000 && c.cfg.netdevs[0].host == 0x0a010001 &&
          c.cfg.netdevs[0].dns == 0x0a090909 && c.cfg.netdevs[0].dhcp_start == 0x0a000064,
          "net=10.0.0.0 is a /8 as in QEMU, explicit addresses kept");
    CHECK(c.cfg.netdevs[1].mask == 0xffff0000 && c.cfg.netdevs[1].host == 0xac140202,
          "dotted mask");
    cli_free(&c);

    /* -nic and -net. */
    rc = parse(ARGS("run", "-drive", "file=a.img", "-nic", "user,hostfwd=tcp::8080-:80,"
                    "mac=52:54:00:12:34:99,model=virtio", "-nic", "none"), &c);
    CHECK(rc == 0, "-nic: %s", rp_strerror(rc));
    CHECK(c.cfg.nnetdevs == 1 && c.cfg.nvirtio == 2 && c.cfg.virtio[1].kind == VIRTIO_KIND_NET &&
          c.cfg.virtio[1].slot == 6 && c.cfg.virtio[1].netdev == 0 &&
          mac_is(c.cfg.virtio[1].mac, 0x99) && c.cfg.netdevs[0].fwd[0].host_port == 8080,
          "-nic user: a network and its card in command-line order");
    cli_free(&c);
    rc = parse(ARGS("run", "-net", "user,hostfwd=tcp::2222-:22", "-net", "nic,model=virtio",
                    "-net", "none"), &c);
    CHECK(rc == 0, "-net nic -net user: %s", rp_strerror(rc));
    CHECK(c.cfg.nnetdevs == 1 && c.cfg.nvirtio == 1 && c.cfg.virtio[0].netdev == 0 &&
          mac_is(c.cfg.virtio[0].mac, 0x56), "hub 0 joins them");
    cli_free(&c);
    rc = parse(ARGS("run", "-net", "nic,macaddr=02:00:00:00:00:01"), &c);
    CHECK(rc == 0 && c.cfg.virtio[0].netdev == -1 && c.cfg.virtio[0].mac[0] == 2,
          "-net nic alone: a card with no network (%s)", rp_strerror(rc));
    cli_free(&c);
    rc = parse(ARGS("run", "-net", "none"), &c);
    CHECK(rc == 0 && c.cfg.nvirtio == 0 && c.cfg.nnetdevs == 0, "-net none");
    cli_free(&c);

    EXPECT_ERROR("-netdev: network type 'tap' is not supported", "run", "-netdev",
                 "tap,id=t0");
    EXPECT_ERROR("-netdev: user needs id=", "run", "-netdev", "user");
    EXPECT_ERROR("-netdev: missing the network type", "run", "-netdev", "id=n0");
    EXPECT_ERROR("-netdev: duplicate netdev id 'n0'", "run", "-netdev", "user,id=n0",
                 "-netdev", "user,id=n0");
    EXPECT_ERROR("-netdev: invalid host forwarding rule 'tcp:2222-:22' (expected hostfwd=",
                 "run", "-netdev", "user,id=n0,hostfwd=tcp:2222-:22");
    EXPECT_ERROR("-netdev: hostfwd rule 'tcp::0-:22' needs ports from 1 to 65535", "run",
                 "-netdev", "user,id=n0,hostfwd=tcp::0-:22");
    EXPECT_ERROR("-netdev: hostfwd rule 'tcp::2222-:65536' needs ports", "run",
                 "-netdev", "user,id=n0,hostfwd=tcp::2222-:65536");
    EXPECT_ERROR("-netdev: hostfwd protocol 'sctp' is not supported", "run",
                 "-netdev", "user,id=n0,hostfwd=sctp::2222-:22");
    EXPECT_ERROR("-netdev: hostfwd rule 'tcp:localhost:2222-:22' has an address that is not",
                 "run", "-netdev", "user,id=n0,hostfwd=tcp:localhost:2222-:22");
    EXPECT_ERROR("-netdev: net=10.0.2.0/33 is not a network", "run", "-netdev",
                 "user,id=n0,net=10.0.2.0/33");
    EXPECT_ERROR("-netdev: net=10.0.2.0/255.0.255.0 is not a network", "run", "-netdev",
                 "user,id=n0,net=10.0.2.0/255.0.255.0");
    EXPECT_ERROR("-netdev: the host= address is outside the network 10.0.2.0/24", "run",
                 "-netdev", "user,id=n0,host=10.0.3.2");
    EXPECT_ERROR("-netdev: the dhcpstart= address is outside the network 192.168.1.0/24", "run",
                 "-netdev", "user,id=n0,net=192.168.1.0/24,dhcpstart=10.0.2.15");
    EXPECT_ERROR("-netdev: host=, dns= and dhcpstart= must be three different", "run",
                 "-netdev", "user,id=n0,dns=10.0.2.2");
    EXPECT_ERROR("-netdev: dns=fec0::3 is not an IPv4 address", "run", "-netdev",
                 "user,id=n0,dns=fec0::3");
    EXPECT_ERROR("-netdev: restrict=maybe is not a boolean", "run", "-netdev",
                 "user,id=n0,restrict=maybe");
    EXPECT_ERROR("-netdev: ipv4=off and ipv6=off leave the network with no protocol", "run",
                 "-netdev", "user,id=n0,ipv4=off,ipv6=off");
    EXPECT_ERROR("-netdev: unsupported property 'smb' for a user-mode network", "run",
                 "-netdev", "user,id=n0,smb=/tmp");
    EXPECT_ERROR("-netdev: too many hostfwd rules (at most 16)", "run", "-netdev",
                 "user,id=n0,hostfwd=::1-:1,hostfwd=::2-:1,hostfwd=::3-:1,hostfwd=::4-:1,"
                 "hostfwd=::5-:1,hostfwd=::6-:1,hostfwd=::7-:1,hostfwd=::8-:1,hostfwd=::9-:1,"
                 "hostfwd=::10-:1,hostfwd=::11-:1,hostfwd=::12-:1,hostfwd=::13-:1,"
                 "hostfwd=::14-:1,hostfwd=::15-:1,hostfwd=::16-:1,hostfwd=::17-:1");
    EXPECT_ERROR("-device: netdev 'n9' is not defined (add -netdev user,id=n9)", "run",
                 "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n9");
    EXPECT_ERROR("-device: netdev 'n0' is already in use by another network card", "run",
                 "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
                 "-device", "virtio-net-device,netdev=n0");
    EXPECT_ERROR("-device: mac=52:54:00:12:34 is not a MAC address", "run",
                 "-device", "virtio-net-device,mac=52:54:00:12:34");
    EXPECT_ERROR("-device: mac=01:00:5e:00:00:01 is a multicast address", "run",
                 "-device", "virtio-net-device,mac=01:00:5e:00:00:01");
    EXPECT_ERROR("-device: unsupported property 'drive' for device 'virtio-net-device'", "run",
                 "-device", "virtio-net-device,drive=d0");
    EXPECT_ERROR("-nic: 'tap' is not supported (only -nic user[,...] or -nic none)", "run",
                 "-nic", "tap");
    EXPECT_ERROR("-nic: model=e1000 is not supported (only virtio", "run", "-nic",
                 "user,model=e1000");
    EXPECT_ERROR("-nic: mac=zz:54:00:12:34:56 is not a MAC address", "run", "-nic",
                 "user,mac=zz:54:00:12:34:56");
    EXPECT_ERROR("-net: only one -net nic is supported", "run", "-net", "nic", "-net", "nic");
    EXPECT_ERROR("-net: only one -net user is supported", "run", "-net", "user", "-net", "user");
    EXPECT_ERROR("-net: unsupported property 'vlan' for nic", "run", "-net", "nic,vlan=1");
    EXPECT_ERROR("-net: macaddr=52:54 is not a MAC address", "run", "-net", "nic,macaddr=52:54");
    EXPECT_ERROR("-netdev cannot be used with 'replay'", "replay", "r", "-netdev", "user,id=n0");
    EXPECT_ERROR("-nic cannot be used with 'replay'", "replay", "r", "-nic", "user");
    EXPECT_ERROR("-nic: too many networks (at most 8)", "run", "-nic", "user", "-nic", "user",
                 "-nic", "user", "-nic", "user", "-nic", "user", "-nic", "user", "-nic", "user",
                 "-nic", "user", "-nic", "user");
    EXPECT_ERROR("-device: too many virtio devices", "run", "-nic", "user", "-nic", "user",
                 "-nic", "user", "-nic", "user", "-nic", "user", "-nic", "user", "-nic", "user",
                 "-nic", "user", "-device", "virtio-net-device");
}

int main(void)
{
    test_full_qemu_line();
    test_paste_without_command();
    test_defaults();
    test_sizes_and_harts();
    test_repeats();
    test_plugins();
    test_commands();
    test_errors();
    test_virtio();
    test_net();
    return unit_done("cli_test");
}
