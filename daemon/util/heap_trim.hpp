// Giving the heap's free memory back to the system after a large piece of work.
#pragma once

#include <cstddef>

namespace kibaru::util {

// When the heaps of all threads hold more than `keep_bytes` free, returns their free pages to
// the system (glibc's malloc_trim); returns the bytes that were free, 0 when nothing was done.
// Why: glibc gives memory back only from the top of a heap, and only past a threshold
// (app/heap_settings.cpp). After a console import of 300,000 contacts a worker thread's heap
// kept some 60 MiB free in the middle for the life of the process; malloc_trim(0) returns it.
// Costs a walk of the free lists: for after heavy work, not for every request.
std::size_t give_back_free_heap(std::size_t keep_bytes);

} // namespace kibaru::util
