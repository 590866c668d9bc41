#include "util/heap_trim.hpp"

#include <cstdlib> // defines __GLIBC__ on glibc, which nothing before it has

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kibaru::util {

std::size_t give_back_free_heap(std::size_t keep_bytes) {
#if defined(__GLIBC__)
    // fordblks: the free bytes of every arena (mallinfo2 sums them), mapped blocks aside.
    const auto free_bytes = static_cast<std::size_t>(mallinfo2().fordblks);
    if (free_bytes > keep_bytes) {
        malloc_trim(0);
        return free_bytes;
    }
#else
    (void)keep_bytes;
#endif
    return 0;
}

} // namespace kibaru::util
