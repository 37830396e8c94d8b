#ifndef DEDUP_SCAN_H
#define DEDUP_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// The (bucket, sign) keys of a 256-dimension embedding: the rows of a chunk.
#define DEDUP_SCAN_KEYS 512

/// The vectors ("lanes") of a chunk: a row is 8 words, 64 bytes.
#define DEDUP_SCAN_LANES 512

/// Counts, for a run of `chunks` chunks of embedding bitmaps and a batch of `queries` queries, which lanes share
/// enough keys with each query. A chunk is 512 lanes with a row of 8 words for each (bucket, sign) key, bit
/// `lane % 64` of word `lane / 64` set when the lane has the key: key `k`'s row of chunk `c` is at
/// `rows + k * stride + c * 64`, lane `l` of chunk `c` is the vector `slots[c * 512 + l]`, and chunk `c` holds
/// vectors of shelf `chunk_shelves[c]`. Query `q` has the keys `keys[key_starts[q]..<key_starts[q + 1]]`, and a
/// vector of shelf `s` may miss `missables[s * queries + q]` of them (below 256 and below its number of keys), or
/// none is looked at when that is negative. For each lane that misses no more, the scan writes `q << 32 | slot` to
/// `found`, which must have room for `chunks * 512 * queries` entries, and returns how many it wrote.
/// Each lane starts with its misses to spend, kept in bit planes and counted down a row at a time, all lanes at
/// once; a lane that overspends drops out, and a chunk's scan ends when none is left. A few queries each read their
/// keys' rows chunk after chunk; a larger batch reads each chunk's rows once for all its queries.
/// The AVX2 version where the CPU has it, else the baseline one.
size_t dedup_scan(
    const void *rows, size_t stride, int32_t chunks, const int32_t *slots, const int32_t *chunk_shelves, const int32_t *keys,
    const intptr_t *key_starts, const int32_t *missables, int32_t queries, uint64_t *found
);

/// `dedup_scan` built for x86-64 with AVX2, for a CPU that has it (on another architecture: the baseline).
size_t dedup_scan_avx2(
    const void *rows, size_t stride, int32_t chunks, const int32_t *slots, const int32_t *chunk_shelves, const int32_t *keys,
    const intptr_t *key_starts, const int32_t *missables, int32_t queries, uint64_t *found
);

/// `dedup_scan` for any CPU.
size_t dedup_scan_baseline(
    const void *rows, size_t stride, int32_t chunks, const int32_t *slots, const int32_t *chunk_shelves, const int32_t *keys,
    const intptr_t *key_starts, const int32_t *missables, int32_t queries, uint64_t *found
);

/// For each entry `q << 32 | slot` of the `count` in `found`, the dot product of query `q` (`dimensions` values
/// from `queries + q * dimensions`) with the stored vector `slot` (values `values[e]` in buckets `buckets[e]`, for
/// `e` in `starts[slot]..<starts[slot + 1]`), summed in bucket order, one Float product and one Float sum at a time
/// (no fused multiply-add), exactly as `EmbeddingIndex` defines the score: into `scores`.
void dedup_score(
    const uint64_t *found, size_t count, const intptr_t *starts, const uint8_t *buckets, const float *values, const float *queries,
    intptr_t dimensions, float *scores
);

/// How many cores this process may run on, by its CPU affinity (`taskset`, a container's cpuset), which Foundation's
/// processor counts ignore; 0 where the system does not say.
int dedup_available_cores(void);

#endif
