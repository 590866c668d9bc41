// The free heap given back after large work: real allocations, the process's resident memory
// read from /proc before and after.
#include "util/heap_trim.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <vector>

#include <unistd.h>

namespace {

constexpr std::size_t k_mib = 1024 * 1024;

std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

} // namespace

// A sanitizer brings its own allocator, whose mallinfo2 says nothing is free. GCC says so with
// __SANITIZE_ADDRESS__, Clang (scripts/sanitize.sh) only through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define KIBARU_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) ||                         \
    __has_feature(thread_sanitizer)
#define KIBARU_SANITIZER_ALLOCATOR 1
#endif
#endif

TEST(UtilHeapTrim, memory_freed_in_the_middle_of_the_heap_is_given_back) {
#if defined(KIBARU_SANITIZER_ALLOCATOR) || !defined(__GLIBC__)
    GTEST_SKIP() << "glibc's own malloc only (a sanitizer brings its own allocator)";
#endif
    // 40 MiB in blocks small enough to come from the heap, each written so that it is resident;
    // all freed but the last, which keeps the heap's top in use: glibc alone gives nothing back.
    std::vector<char*> blocks(40 * k_mib / 4096);
    for (auto& block : blocks) {
        block = static_cast<char*>(std::malloc(4096));
        ASSERT_NE(block, nullptr);
        std::memset(block, 1, 4096);
    }
    for (std::size_t i = 0; i + 1 < blocks.size(); ++i) {
        std::free(blocks[i]);
    }
    const auto before = resident_bytes();
    const auto freed = kibaru::util::give_back_free_heap(16 * k_mib);
    const auto after = resident_bytes();
    std::free(blocks.back());
    EXPECT_GE(freed, 39 * k_mib);
    EXPECT_GE(before, after + 30 * k_mib) << "resident before " << before << ", after " << after;
}

TEST(UtilHeapTrim, a_heap_with_little_free_is_left_alone) {
    EXPECT_EQ(kibaru::util::give_back_free_heap(std::numeric_limits<std::size_t>::max()), 0u);
}
