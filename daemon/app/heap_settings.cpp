#include "app/heap_settings.hpp"

#include <cstdlib> // defines __GLIBC__ on glibc, which nothing before it has

#if defined(__GLIBC__)
#include <malloc.h>

#include <cstring>
#endif

namespace kibaru::app {

// Why: libcurl allocates a transfer's buffers (tens of KiB) when a request starts and frees them
// when it ends, so the requests in flight move hundreds of KiB of heap up and down in every
// dispatcher cycle (`perf record -e page-faults --call-graph dwarf` puts the faults in malloc
// under curl_multi_socket_action). With glibc's defaults (give back the heap's top once 128 KiB
// of it is free, thresholds that move with what was freed last) the heap shrank and grew again
// thousands of times a run: 100,000 SMS made some 13,000 brk calls and 40,000 to 80,000 page
// faults (`perf stat -e page-faults,syscalls:sys_enter_brk`), each fault a costly exit on a
// virtual machine, and the sending run spent 15 to 30 % more CPU than with these settings
// (BENCHMARKS.md, "Dispatch"). Fixed settings instead: a heap's top is given back once 8 MiB of
// it are free, it grows 1 MiB at a time, and a block of 1 MiB or more (an import's rows, a
// large page) is mapped on its own and returned whole when freed. Each thread's arena (console
// workers, imports, backups) keeps at most that much free, not the 128 KiB of the defaults.
// An operator's own settings (GLIBC_TUNABLES=glibc.malloc.*, MALLOC_*_) are left to apply.
void settle_heap() {
#if defined(__GLIBC__)
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if ((tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) ||
        std::getenv("MALLOC_TRIM_THRESHOLD_") != nullptr ||
        std::getenv("MALLOC_TOP_PAD_") != nullptr ||
        std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr) {
        return;
    }
    constexpr int k_mib = 1024 * 1024;
    mallopt(M_MMAP_THRESHOLD, k_mib);
    mallopt(M_TRIM_THRESHOLD, 8 * k_mib);
    mallopt(M_TOP_PAD, k_mib);
#endif
}

} // namespace kibaru::app
