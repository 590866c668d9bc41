#include "app/heap_settings.hpp"

#include <cstdlib> // defines __GLIBC__ on glibc, which nothing before it has

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kibaru::app {

// Why: libcurl allocates a transfer's buffers (tens of KiB) when a request starts and frees them
// when it ends, so the requests in flight move hundreds of KiB of heap up and down in every
// dispatcher cycle (`perf record -e page-faults --call-graph dwarf` puts the faults in malloc
// under curl_multi_socket_action). With glibc's defaults (give back the heap's top once
// 128 KiB of it is free, thresholds that move with what was freed last) the heap shrank and grew
// again thousands of times a run: 100,000 SMS made some 13,000 brk calls and 50,000 to 80,000
// page faults (`perf stat -e page-faults,syscalls:sys_enter_brk`), each fault a costly exit on
// a virtual machine, and the sending run spent a quarter more CPU than with these settings
// (BENCHMARKS.md, "Dispatch"). Fixed settings instead: the top is given back only once 16 MiB of
// it are free, the heap grows 4 MiB at a time, and a single block of 4 MiB or more (an import's
// rows, a large export) is mapped on its own and returned whole when freed.
void settle_heap() {
#if defined(__GLIBC__)
    constexpr int k_mib = 1024 * 1024;
    mallopt(M_MMAP_THRESHOLD, 4 * k_mib);
    mallopt(M_TRIM_THRESHOLD, 16 * k_mib);
    mallopt(M_TOP_PAD, 4 * k_mib);
#endif
}

} // namespace kibaru::app
