// Logging set-up: spdlog to the console (stderr) and to a size-rotated file, with phone numbers
// masked in both unless [log] mask_phones = false.
#pragma once

#include "core/config.hpp"

#include <string>

namespace kibaru::util {

struct LogOptions {
    int verbosity = 0;         // +1 per -v, -1 per -q
    bool quiet_console = true; // one-shot commands keep the console to warnings unless -v
};

// Installs the default logger. Never throws: a log file that cannot be opened is reported on
// the console and logging continues there. Returns a warning to show, or "".
std::string setup_logging(const core::LogConfig& config, const LogOptions& options);

} // namespace kibaru::util
