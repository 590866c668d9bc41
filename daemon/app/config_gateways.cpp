// [gateway] and [[gateways]]: the keys of one gateway, the entries that start from [gateway]'s
// values, and the checks that take a gateway's settings together.
#include "app/config_appliers.hpp"

#include "core/gateway_profile.hpp"
#include "core/regex_pattern.hpp"

#include <regex>
#include <utility>

namespace kibaru::app::config_keys {

namespace {

// [gateway] resend_unknown: one of the words, or the first round's boolean (false = "never",
// true = "always").
Apply resend_policy(std::string& target) {
    return [&target](const toml::node& node) -> std::string {
        if (node.is_boolean()) {
            target = *node.value<bool>() ? "always" : "never";
            return "";
        }
        const auto word = node.value<std::string>();
        if (node.is_string() && (*word == "never" || *word == "always" || *word == "after_grace")) {
            target = *word;
            return "";
        }
        return "must be \"never\", \"always\" or \"after_grace\" (or true / false)";
    };
}

// The gateway profiles Kibaru has (core/profiles/): the names `profile` may take.
std::vector<std::string> profile_names() {
    std::vector<std::string> names;
    for (const auto name : core::gateway_profile_names()) {
        names.emplace_back(name);
    }
    return names;
}

} // namespace

// The keys of one gateway, under `prefix` ("gateway" or "gateways").
std::vector<KeySpec> gateway_specs(core::GatewayConfig& g, const std::string& prefix) {
    return {
        {prefix + ".client_id_env", text(g.client_id_env, check_env_name)},
        {prefix + ".client_secret_env", text(g.client_secret_env, check_env_name)},
        {prefix + ".sender_number", text(g.sender_number,
                                         [](const std::string& v) {
                                             static const std::regex k_number(R"(^\+[0-9]{4,15}$)");
                                             return v.empty() || std::regex_match(v, k_number)
                                                        ? std::string()
                                                        : std::string("must be an E.164 number, "
                                                                      "e.g. +22370000000");
                                         })},
        {prefix + ".profile", choice(g.profile, profile_names())},
        {prefix + ".url", text(g.url, check_url)},
        {prefix + ".username", text(g.username)},
        {prefix + ".password_env", text(g.password_env, check_env_name)},
        {prefix + ".rate_per_second", number(g.rate_per_second, 0, 1e6)},
        {prefix + ".max_in_flight", integer(g.max_in_flight, 1, 1024)},
        {prefix + ".timeout_ms", integer(g.timeout_ms, 100, 600000)},
        {prefix + ".max_attempts", integer(g.max_attempts, 1, 100)},
        {prefix + ".backoff_initial_ms", integer(g.backoff_initial_ms, 1, 3600000)},
        {prefix + ".backoff_max_ms", integer(g.backoff_max_ms, 1, 86400000)},
        {prefix + ".resend_unknown", resend_policy(g.resend_unknown)},
        {prefix + ".unknown_grace_seconds", integer(g.unknown_grace_seconds, 1, 604800)},
        {prefix + ".breaker_threshold", integer(g.breaker_threshold, 1, 100000)},
        {prefix + ".breaker_cooldown_ms", integer(g.breaker_cooldown_ms, 10, 3600000)},
        {prefix + ".breaker_max_cooldown_ms", integer(g.breaker_max_cooldown_ms, 10, 86400000)},
        {prefix + ".generic.method", choice(g.generic.method, {"GET", "POST"})},
        {prefix + ".generic.url", text(g.generic.url, check_url)},
        {prefix + ".generic.content_type",
         choice(g.generic.content_type, {"application/json", "application/x-www-form-urlencoded"})},
        {prefix + ".generic.body", text(g.generic.body)},
        {prefix + ".generic.headers", text_list(g.generic.headers)},
        {prefix + ".generic.message_id", text(g.generic.message_id)},
        {prefix + ".generic.message_id_regex",
         text(g.generic.message_id_regex,
              [](const std::string& v) { return core::regex_pattern_problem(v); })},
    };
}

namespace {

// [[gateways]] entries' own keys, beside every key of [gateway].
std::vector<KeySpec> gateway_entry_specs(core::GatewayConfig& g) {
    auto specs = gateway_specs(g, "gateways");
    // What to do with sends in doubt is the daemon's policy, set once in [gateway].
    std::erase_if(specs, [](const KeySpec& k) {
        return k.path == "gateways.resend_unknown" || k.path == "gateways.unknown_grace_seconds";
    });
    specs.push_back({"gateways.name", text(g.name, [](const std::string& v) {
                         static const std::regex k_name("^[a-z0-9_-]{1,32}$");
                         return std::regex_match(v, k_name)
                                    ? std::string()
                                    : std::string("must be 1 to 32 of a-z, 0-9, _ and -");
                     })});
    specs.push_back({"gateways.operators", text_list(g.operators, true, [](const std::string& v) {
                         return v == "orange" || v == "moov" || v == "telecel"
                                    ? std::string()
                                    : "\"" + v + "\" is not an operator (orange, moov, telecel)";
                     })});
    specs.push_back({"gateways.prefixes", text_list(g.prefixes, true, [](const std::string& v) {
                         static const std::regex k_prefix(R"(^\+[0-9]{1,14}$)");
                         return std::regex_match(v, k_prefix)
                                    ? std::string()
                                    : "\"" + v + "\" is not an E.164 prefix (e.g. +22385)";
                     })});
    specs.push_back({"gateways.priority", integer(g.priority, 0, 1000)});
    return specs;
}

} // namespace

// [[gateways]]: each entry starts from [gateway]'s values (so shared settings are written once)
// and names itself; names are unique.
void read_gateways(const toml::table& table, core::Config& config, Walker& walker) {
    const auto* node = table.get("gateways");
    if (!node) {
        return;
    }
    const auto* entries = node->as_array();
    if (!entries || !entries->is_array_of_tables() || entries->empty()) {
        walker.report(node->source(), "gateways", "must be an array of tables ([[gateways]])");
        return;
    }
    for (const auto& entry : *entries) {
        core::GatewayConfig g = config.gateway;
        g.name.clear();
        const auto specs = gateway_entry_specs(g);
        Walker each{walker.source, specs, {}};
        each.walk(*entry.as_table(), "gateways.");
        walker.problems.insert(walker.problems.end(), each.problems.begin(), each.problems.end());
        if (g.name.empty()) {
            walker.report(entry.source(), "gateways.name", "every [[gateways]] entry needs a name");
            continue;
        }
        for (const auto& other : config.gateways) {
            if (other.name == g.name) {
                walker.report(entry.source(), "gateways.name",
                              "\"" + g.name + "\" names two gateways");
            }
        }
        config.gateways.push_back(std::move(g));
    }
}

// Checked on the gateways that send ([[gateways]] when there are any, else [gateway]), after
// the entries have taken [gateway]'s values: a pair is only wrong where it is used.
void check_gateways(const core::Config& config, Walker& walker) {
    const std::string& source_name = walker.source;
    for (const auto& g : core::sending_gateways(config)) {
        const std::string where =
            source_name + ": " + (config.gateways.empty() ? "gateway" : "gateways " + g.name);
        if (g.backoff_initial_ms > g.backoff_max_ms) {
            walker.problems.push_back(where +
                                      ": backoff_initial_ms: must not exceed backoff_max_ms");
        }
        if (const auto* profile = core::find_gateway_profile(g.profile)) {
            for (const auto& problem : profile->check(g)) {
                walker.problems.push_back(where + ": " + problem);
            }
        }
        if (g.breaker_cooldown_ms > g.breaker_max_cooldown_ms) {
            walker.problems.push_back(
                where + ": breaker_cooldown_ms: must not exceed breaker_max_cooldown_ms");
        }
    }
}

} // namespace kibaru::app::config_keys
