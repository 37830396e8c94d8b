#include "DedupScan.h"

#include <string.h>

enum { lanes = DEDUP_SCAN_LANES, row_words = lanes / 64 };
typedef uint64_t row_t __attribute__((vector_size(row_words * 8)));
enum { row_bytes = sizeof(row_t) };

/// The lanes of the chunk at `rows` (key `k`'s row at `rows + k * stride`) that miss at most `missable` of the
/// `count` keys `keys`, into `passing`; returns how many rows it read. Each lane's misses left to spend are counted
/// down in `planes` bit planes (enough for `missable`); inlined with `planes` fixed, so every plane stays in a register.
static inline __attribute__((always_inline)) int32_t scan_planes(
    const unsigned char *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, int planes, uint64_t passing[row_words]
) {
    const row_t none = {0};
    row_t budget[8];
    for (int plane = 0; plane < planes; plane++) budget[plane] = (missable >> plane) & 1 ? ~none : none;
    row_t overspent = none;
    int32_t index = 0;
    while (index < count) {
        row_t row;
        memcpy(&row, rows + (size_t)keys[index++] * stride, sizeof row);
        // A miss takes one from the lane's budget: borrow through the planes, lowest first.
        row_t borrow = ~row;
        for (int plane = 0; plane < planes; plane++) {
            row_t owed = borrow & ~budget[plane];
            budget[plane] ^= borrow;
            borrow = owed;
        }
        overspent |= borrow;
        // No lane overspends before `missable + 1` misses; then the scan ends once all have.
        row_t left = ~overspent;
        uint64_t any = 0;
        for (int word = 0; word < row_words; word++) any |= left[word];
        if (index > missable && any == 0) break;
    }
    row_t left = ~overspent;
    memcpy(passing, &left, sizeof left);
    return index;
}

/// How many bit planes a budget of `missable` misses (below 256) needs.
static inline int plane_count(int32_t missable) {
    return missable > 0 ? 32 - __builtin_clz((uint32_t)missable) : 0;
}

/// `scan_planes` with exactly as many planes as `missable` needs, each number its own copy.
static inline __attribute__((always_inline)) int32_t scan_chunk(
    const unsigned char *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, uint64_t passing[row_words]
) {
    switch (plane_count(missable)) {
    case 0: return scan_planes(rows, stride, keys, count, missable, 0, passing);
    case 1: return scan_planes(rows, stride, keys, count, missable, 1, passing);
    case 2: return scan_planes(rows, stride, keys, count, missable, 2, passing);
    case 3: return scan_planes(rows, stride, keys, count, missable, 3, passing);
    case 4: return scan_planes(rows, stride, keys, count, missable, 4, passing);
    case 5: return scan_planes(rows, stride, keys, count, missable, 5, passing);
    case 6: return scan_planes(rows, stride, keys, count, missable, 6, passing);
    case 7: return scan_planes(rows, stride, keys, count, missable, 7, passing);
    default: return scan_planes(rows, stride, keys, count, missable, 8, passing);
    }
}

/// Appends `tag | slot` for each lane set in `passing`, slots in `slots`; returns how many.
static inline __attribute__((always_inline)) size_t append(const uint64_t passing[row_words], const int32_t *slots, uint64_t tag, uint64_t *found) {
    size_t written = 0;
    for (int word = 0; word < row_words; word++) {
        for (uint64_t bits = passing[word]; bits; bits &= bits - 1) {
            found[written++] = tag | (uint32_t)slots[word * 64 + __builtin_ctzll(bits)];
        }
    }
    return written;
}

/// How many chunks ahead a query scanning on its own asks for the rows it will read: with more than a dozen keys to
/// read, more streams than the hardware follows.
enum { prefetch_chunks = 4 };

/// From this many queries on, each chunk's rows are first gathered into a block of their own, which stays in the
/// L1 cache while every query reads it: one key's rows sit a long stride apart, and all keys' rows of a chunk
/// (each 64 bytes, astride two cache lines unless the bitmaps are aligned) would not stay.
enum { gather_queries = 8 };

/// `dedup_scan`, inlined into each version.
static inline __attribute__((always_inline)) size_t scan_run(
    const void *rows, size_t stride, int32_t chunks, const int32_t *slots, const int32_t *chunk_shelves, const int32_t *keys,
    const intptr_t *key_starts, const int32_t *missables, int32_t queries, uint64_t *found
) {
    size_t written = 0;
    uint64_t passing[row_words];
    if (queries < gather_queries) {
        // Query after query, each over the run: its keys' rows are a few sequential streams.
        for (int32_t query = 0; query < queries; query++) {
            const int32_t *query_keys = keys + key_starts[query];
            int32_t count = (int32_t)(key_starts[query + 1] - key_starts[query]);
            // A chunk reads about as many rows as the one before: ask for that many of a chunk to come.
            int32_t read = count;
            for (int32_t chunk = 0; chunk < chunks; chunk++) {
                int32_t missable = missables[(size_t)chunk_shelves[chunk] * queries + query];
                if (missable < 0) continue;
                const unsigned char *chunk_rows = (const unsigned char *)rows + (size_t)chunk * row_bytes;
                if (chunk + prefetch_chunks < chunks) {
                    for (int32_t index = 0; index < read; index++) {
                        __builtin_prefetch(chunk_rows + (size_t)query_keys[index] * stride + prefetch_chunks * row_bytes);
                    }
                }
                read = scan_chunk(chunk_rows, stride, query_keys, count, missable, passing);
                written += append(passing, slots + (size_t)chunk * lanes, (uint64_t)query << 32, found + written);
            }
        }
        return written;
    }
    _Alignas(64) unsigned char chunk_rows[DEDUP_SCAN_KEYS * row_bytes];
    for (int32_t chunk = 0; chunk < chunks; chunk++) {
        const int32_t *chunk_missables = missables + (size_t)chunk_shelves[chunk] * queries;
        int32_t most = -1;
        for (int32_t query = 0; query < queries; query++) most = chunk_missables[query] > most ? chunk_missables[query] : most;
        if (most < 0) continue;
        const unsigned char *from = (const unsigned char *)rows + (size_t)chunk * row_bytes;
        for (size_t key = 0; key < DEDUP_SCAN_KEYS; key++) memcpy(chunk_rows + key * row_bytes, from + key * stride, row_bytes);
        // One copy of the loop for each run of queries whose budgets need as many planes (or none is looked at): the
        // jump to it is then predicted, and no query counts down planes it does not need. Callers sort a batch by
        // its queries' numbers of keys, which makes the runs long.
        int32_t query = 0;
        while (query < queries) {
            int planes = plane_count(chunk_missables[query]);
            int32_t end = query + 1;
            while (end < queries && (chunk_missables[end] < 0 || plane_count(chunk_missables[end]) == planes)) end++;
            switch (planes) {
#define SCAN_GATHERED(planes)                                                                                          \
    case planes:                                                                                                       \
        for (; query < end; query++) {                                                                                 \
            int32_t missable = chunk_missables[query];                                                                 \
            if (missable < 0) continue;                                                                                \
            int32_t count = (int32_t)(key_starts[query + 1] - key_starts[query]);                                      \
            scan_planes(chunk_rows, row_bytes, keys + key_starts[query], count, missable, planes, passing);            \
            written += append(passing, slots + (size_t)chunk * lanes, (uint64_t)query << 32, found + written);         \
        }                                                                                                              \
        break;
                SCAN_GATHERED(0) SCAN_GATHERED(1) SCAN_GATHERED(2) SCAN_GATHERED(3) SCAN_GATHERED(4) SCAN_GATHERED(5)
                SCAN_GATHERED(6) SCAN_GATHERED(7)
                default: SCAN_GATHERED(8)
#undef SCAN_GATHERED
            }
        }
    }
    return written;
}

#define DEDUP_SCAN_ARGUMENTS                                                                                          \
    const void *rows, size_t stride, int32_t chunks, const int32_t *slots, const int32_t *chunk_shelves, const int32_t *keys, \
        const intptr_t *key_starts, const int32_t *missables, int32_t queries, uint64_t *found
#define DEDUP_SCAN_PASS rows, stride, chunks, slots, chunk_shelves, keys, key_starts, missables, queries, found

size_t dedup_scan_baseline(DEDUP_SCAN_ARGUMENTS) {
    return scan_run(DEDUP_SCAN_PASS);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) size_t dedup_scan_avx2(DEDUP_SCAN_ARGUMENTS) {
    return scan_run(DEDUP_SCAN_PASS);
}

size_t dedup_scan(DEDUP_SCAN_ARGUMENTS) {
    return __builtin_cpu_supports("avx2") ? dedup_scan_avx2(DEDUP_SCAN_PASS) : dedup_scan_baseline(DEDUP_SCAN_PASS);
}
#else
size_t dedup_scan_avx2(DEDUP_SCAN_ARGUMENTS) {
    return dedup_scan_baseline(DEDUP_SCAN_PASS);
}

size_t dedup_scan(DEDUP_SCAN_ARGUMENTS) {
    return dedup_scan_baseline(DEDUP_SCAN_PASS);
}
#endif

/// How many candidates ahead `dedup_score` asks for a vector's place (`starts`), and, half as far, for its entries.
enum { score_ahead = 16 };

void dedup_score(
    const uint64_t *found, size_t count, const intptr_t *starts, const uint8_t *buckets, const float *values, const float *queries,
    intptr_t dimensions, float *scores
) {
#pragma clang fp contract(off)
    for (size_t index = 0; index < count; index++) {
        if (index + score_ahead < count) __builtin_prefetch(&starts[(uint32_t)found[index + score_ahead]]);
        if (index + score_ahead / 2 < count) {
            intptr_t start = starts[(uint32_t)found[index + score_ahead / 2]];
            __builtin_prefetch(&buckets[start]);
            __builtin_prefetch(&values[start]);
        }
        uint32_t slot = (uint32_t)found[index];
        const float *query = queries + (size_t)(found[index] >> 32) * (size_t)dimensions;
        float sum = 0;
        for (intptr_t entry = starts[slot]; entry < starts[slot + 1]; entry++) sum += query[buckets[entry]] * values[entry];
        scores[index] = sum;
    }
}
