#include "DedupScan.h"

#include <string.h>

typedef uint64_t row_t __attribute__((vector_size(32)));

/// The scan with `planes` bit planes of misses left to spend (4, 6 or 8, enough for `missable`), inlined into each
/// version with `planes` fixed so every plane stays in a register.
static inline __attribute__((always_inline)) void scan(
    const unsigned char *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, int planes, uint64_t passing[4]
) {
    const row_t all = {~0ULL, ~0ULL, ~0ULL, ~0ULL};
    const row_t none = {0, 0, 0, 0};
    row_t budget[8];
    for (int plane = 0; plane < planes; plane++) budget[plane] = (missable >> plane) & 1 ? all : none;
    row_t overspent = none;
    // Every scan reads its first `missable + 1` keys: ask for those rows of a later chunk now.
    if (ahead) {
        for (int32_t index = 0; index <= missable + 1 && index < count; index++) {
            __builtin_prefetch(rows + (size_t)keys[index] * stride + ahead, 0, 3);
        }
    }
    for (int32_t index = 0; index < count; index++) {
        row_t row;
        memcpy(&row, rows + (size_t)keys[index] * stride, sizeof row);
        // A miss takes one from the lane's budget: borrow through the planes, lowest first.
        row_t borrow = ~row;
        for (int plane = 0; plane < planes; plane++) {
            row_t owed = borrow & ~budget[plane];
            budget[plane] ^= borrow;
            borrow = owed;
        }
        overspent |= borrow;
        if (index >= missable) {
            row_t left = ~overspent;
            if ((left[0] | left[1] | left[2] | left[3]) == 0) break;
        }
    }
    row_t left = ~overspent;
    memcpy(passing, &left, sizeof left);
}

#define DEDUP_SCAN_BODY                                                                    \
    if (missable < 16) scan(rows, stride, keys, count, missable, ahead, 4, passing);                     \
    else if (missable < 64) scan(rows, stride, keys, count, missable, ahead, 6, passing);                \
    else scan(rows, stride, keys, count, missable, ahead, 8, passing);

void dedup_scan_chunk_baseline(const void *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, uint64_t passing[4]) {
    DEDUP_SCAN_BODY
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
void dedup_scan_chunk_avx2(const void *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, uint64_t passing[4]) {
    DEDUP_SCAN_BODY
}

void dedup_scan_chunk(const void *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, uint64_t passing[4]) {
    if (__builtin_cpu_supports("avx2")) dedup_scan_chunk_avx2(rows, stride, keys, count, missable, ahead, passing);
    else dedup_scan_chunk_baseline(rows, stride, keys, count, missable, ahead, passing);
}
#else
void dedup_scan_chunk_avx2(const void *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, uint64_t passing[4]) {
    dedup_scan_chunk_baseline(rows, stride, keys, count, missable, ahead, passing);
}

void dedup_scan_chunk(const void *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, uint64_t passing[4]) {
    dedup_scan_chunk_baseline(rows, stride, keys, count, missable, ahead, passing);
}
#endif
