#ifndef DEDUP_SCAN_H
#define DEDUP_SCAN_H

#include <stdint.h>

#include <stddef.h>

/// The lanes of one chunk of an embedding shelf (256 lanes, a row of 4 words for each (bucket, sign) key, key `k`'s
/// at `rows + k * stride`) that miss at most `missable` of the `count` keys `keys`: bit `lane % 64` of
/// `passing[lane / 64]`.
/// Each lane starts with `missable` misses to spend, kept in bit planes and counted down a row at a time, all lanes
/// at once; a lane that overspends drops out, and the scan ends when none is left. `missable` is below 256. Unless
/// `ahead` is 0, the rows `ahead` bytes past those the scan must read are fetched into the cache for a later scan.
/// The AVX2 version where the CPU has it, else the baseline one.
void dedup_scan_chunk(const void *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, uint64_t passing[4]);

/// `dedup_scan_chunk` built for x86-64 with AVX2 (on a CPU without it, or another architecture: the baseline).
void dedup_scan_chunk_avx2(const void *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, uint64_t passing[4]);

/// `dedup_scan_chunk` for any CPU.
void dedup_scan_chunk_baseline(const void *rows, size_t stride, const int32_t *keys, int32_t count, int32_t missable, size_t ahead, uint64_t passing[4]);

#endif
