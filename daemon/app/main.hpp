// The kibaru command line: parses global options and the command, runs it, and maps what
// happened to the exit codes of SPEC.md (0 ok, 1 runtime error, 2 usage/config, 3 partly done,
// 4 verification failed).
#pragma once

namespace kibaru::app {

int main(int argc, char** argv);

} // namespace kibaru::app
