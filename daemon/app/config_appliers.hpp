// Internal to app/config_*.cpp: how a key of kibaru.toml is read. Each known key has an applier
// that checks the TOML value and stores it into core::Config, or says what is wrong. The builders
// shared by every section live in config_appliers.cpp; each section's table of keys lives in its
// own file (config_gateways.cpp, config_sections.cpp); config_loader.cpp joins the tables and
// walks the file against them.
#pragma once

#include "core/config.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kibaru::app::config_keys {

using Apply = std::function<std::string(const toml::node&)>; // "" or what is wrong

// What is wrong with one value, or "".
using Check = std::function<std::string(const std::string&)>;

struct KeySpec {
    std::string path;
    Apply apply;
};

// Walks a TOML table against `specs`, collecting every problem as "source:line: key: what" so
// that all of them are reported at once. Defined in config_loader.cpp.
struct Walker {
    const std::string& source;
    const std::vector<KeySpec>& specs;
    std::vector<std::string> problems;

    void report(const toml::source_region& where, const std::string& key, const std::string& what);
    std::string suggestion(const std::string& key) const;
    void walk(const toml::table& table, const std::string& prefix);
};

// The builders (config_appliers.cpp): each stores into `target` only a value that passes.
Apply text(std::string& target, Check check = {});
Apply choice(std::string& target, std::vector<std::string> options);
Apply integer(int& target, std::int64_t min, std::int64_t max);
Apply number(double& target, double min, double max);
Apply boolean(bool& target);
// `check` (when given) says what is wrong with one item, or "".
Apply text_list(std::vector<std::string>& target, bool allow_empty = true, Check check = {});

// Checks more than one section uses (config_appliers.cpp).
std::string check_env_name(const std::string& value);
std::string check_url(const std::string& value);

// [gateway] and [[gateways]] (config_gateways.cpp). The keys of one gateway, under `prefix`
// ("gateway" or "gateways").
std::vector<KeySpec> gateway_specs(core::GatewayConfig& g, const std::string& prefix);
// Reads the [[gateways]] entries once [gateway] is known, reporting through `walker`.
void read_gateways(const toml::table& table, core::Config& config, Walker& walker);
// What no single key can say: each sending gateway's settings taken together.
void check_gateways(const core::Config& config, Walker& walker);

// Every other section (config_sections.cpp): [database], [backup], [contacts], [schedule],
// [sms], [server], [console], [inbound], [keywords], [log], [routing] and [audit].
std::vector<KeySpec> section_specs(core::Config& c);
// What no single key of those sections can say (the console's TLS pair).
void check_sections(const core::Config& config, Walker& walker);

} // namespace kibaru::app::config_keys
