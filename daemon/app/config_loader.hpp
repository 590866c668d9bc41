// Loads the TOML configuration into core::Config. The whole file is checked at once and every
// problem is reported together, each with its line and key, so a program officer fixes the file
// in one pass: unknown keys (with a "did you mean"), wrong types and out-of-range values.
#pragma once

#include "core/config.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace kibaru::app {

// Thrown by load_config; what() holds every problem, one per line. Maps to exit code 2.
class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(const std::string& what) : std::runtime_error(what) {}
};

// Reads `path`. When `path` is empty the defaults are returned unchanged (no file is needed).
// Then reads the reply texts (replies.<lang>.txt) from [keywords] reply_templates_dir, or when it
// is not set from the first of templates/, <binary>/../share/kibaru/templates and
// /usr/share/kibaru/templates that holds replies.fr.txt; without any, the built-in texts.
// Throws ConfigError on a missing or unreadable file, a TOML syntax error or invalid values, a
// reply_templates_dir without replies.fr.txt, or a replies file that does not read (naming its
// lines).
core::Config load_config(const std::string& path);

// Validates the TOML text `text` as if read from `source_name` (used by load_config and tests).
core::Config parse_config(const std::string& text, const std::string& source_name);

// The value of environment variable `name`, or "" when unset. Secrets only come this way.
std::string secret_from_env(const std::string& name);

} // namespace kibaru::app
