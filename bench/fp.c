/* fp: double-precision kernels (RV64D): a 32x32 matrix multiply with fused
 * multiply-adds, a five-body gravity simulation (sqrt, divide) and a
 * Mandelbrot escape-count grid (compares, conversions). Built with
 * -ffp-contract=off so every fma is explicit and results are bit-exact. */
#include "bench.h"

#ifndef ROUNDS
#define ROUNDS 320
#endif
#ifndef EXPECTED
#define EXPECTED 0x202978f7f7f99f8bULL
#endif

static uint64_t bits_of(double d)
{
    uint64_t u;
    __builtin_memcpy(&u, &d, sizeof(u));
    return u;
}

/* ---- matrix multiply ----------------------------------------------------- */

#define N 32
static double ma[N][N], mb[N][N], mc[N][N], ma0[N][N];

static void mat_init(void)
{
    uint32_t s = 12345;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1103515245u + 12345u;
            ma0[i][j] = ma[i][j] = (double)(int32_t)(s >> 8) / 16777216.0 - 0.5;
            s = s * 1103515245u + 12345u;
            mb[i][j] = (double)(int32_t)(s >> 8) / 16777216.0 - 0.5;
        }
}

static uint64_t mat_round(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double acc = 0.0;
            for (int k = 0; k < N; k++)
                acc = __builtin_fma(ma[i][k], mb[k][j], acc);
            mc[i][j] = acc;
        }
    /* Keep |a| <= 1 without decaying to zero: a = c/64 + a0/2. */
    uint64_t h = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            ma[i][j] = mc[i][j] * (1.0 / 64) + ma0[i][j] * 0.5;
            h += bits_of(mc[i][j]);
        }
    return h;
}

/* ---- five bodies --------------------------------------------------------- */

struct body { double x, y, z, vx, vy, vz, m; };
#define NB 5
static struct body bodies[NB];

static void bodies_init(void)
{
    static const double init[NB][7] = {
        { 0, 0, 0, 0, 0, 0, 40.0 },
        { 4.8, -1.2, -0.1, 0.6, 2.8, -0.02, 0.04 },
        { 8.3, 4.1, -0.4, -1.0, 1.8, 0.008, 0.011 },
        { 12.9, -15.1, -0.2, 1.08, 0.87, -0.01, 0.0017 },
        { 15.4, -25.9, 0.18, 0.98, 0.59, -0.035, 0.002 },
    };
    for (int i = 0; i < NB; i++) {
        struct body *b = &bodies[i];
        b->x = init[i][0]; b->y = init[i][1]; b->z = init[i][2];
        b->vx = init[i][3]; b->vy = init[i][4]; b->vz = init[i][5];
        b->m = init[i][6];
    }
}

static void bodies_step(double dt)
{
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
            struct body *a = &bodies[i], *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double d = __builtin_sqrt(d2);
            double mag = dt / (d2 * d);
            a->vx -= dx * b->m * mag; a->vy -= dy * b->m * mag; a->vz -= dz * b->m * mag;
            b->vx += dx * a->m * mag; b->vy += dy * a->m * mag; b->vz += dz * a->m * mag;
        }
    for (int i = 0; i < NB; i++) {
        struct body *b = &bodies[i];
        b->x += dt * b->vx; b->y += dt * b->vy; b->z += dt * b->vz;
    }
}

static double bodies_energy(void)
{
    double e = 0.0;
    for (int i = 0; i < NB; i++) {
        struct body *a = &bodies[i];
        e += 0.5 * a->m * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
        for (int j = i + 1; j < NB; j++) {
            struct body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            e -= a->m * b->m / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

/* ---- Mandelbrot ---------------------------------------------------------- */

static uint64_t mandel(int w, int h, int maxit, double cx0, double cy0, double span)
{
    uint64_t total = 0;
    double last = 0.0;
    for (int py = 0; py < h; py++) {
        double ci = cy0 + span * (double)py / (double)h;
        for (int px = 0; px < w; px++) {
            double cr = cx0 + span * 1.25 * (double)px / (double)w;
            double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
            int it = 0;
            while (it < maxit && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                it++;
            }
            total += (uint64_t)it;
            last += (zr2 + zi2 > 4.0 ? 1.0 : -1.0) * (double)(int64_t)(zr * 1000.0);
        }
    }
    return total * 1000003u + bits_of(last);
}

int main(void)
{
    uint64_t sum = 0;
    mat_init();
    bodies_init();
    for (int r = 0; r < ROUNDS; r++) {
        sum = bench_mix(sum, mat_round());
        for (int s = 0; s < 2000; s++)
            bodies_step(0.001);
        sum = bench_mix(sum, bits_of(bodies_energy()));
        sum = bench_mix(sum, mandel(48, 32, 128, -2.0 + 0.01 * (r & 7), -1.0, 2.0));
    }
    return bench_report("fp", sum, EXPECTED);
}
