#define _GNU_SOURCE
#include <sched.h>

#include "DedupScan.h"

int dedup_available_cores(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
#endif
    return 0;
}
