// How the C library's allocator keeps memory it was given back: set once, first thing in main.
#pragma once

namespace kibaru::app {

// Keeps a few MiB of freed heap instead of returning it to the system at once (glibc only;
// not when the environment sets malloc tunables of its own).
void settle_heap();

} // namespace kibaru::app
