#include "app/config_loader.hpp"

#include "core/contact.hpp"
#include "core/gateway_profile.hpp"
#include "core/phone.hpp"

#include <date/tz.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

namespace kibaru::app {

namespace {

using Apply = std::function<std::string(const toml::node&)>; // "" or what is wrong

struct KeySpec {
    std::string path;
    Apply apply;
};

Apply text(std::string& target, std::function<std::string(const std::string&)> check = {}) {
    return [&target, check](const toml::node& node) -> std::string {
        if (!node.is_string()) {
            return "must be a string";
        }
        const std::string value = *node.value<std::string>();
        if (check) {
            if (auto problem = check(value); !problem.empty()) {
                return problem;
            }
        }
        target = value;
        return "";
    };
}

Apply choice(std::string& target, std::vector<std::string> options) {
    return text(target, [options](const std::string& value) -> std::string {
        if (std::find(options.begin(), options.end(), value) != options.end()) {
            return "";
        }
        std::string list;
        for (const auto& o : options) {
            list += (list.empty() ? "" : ", ") + o;
        }
        return "must be one of " + list + " (not \"" + value + "\")";
    });
}

Apply integer(int& target, std::int64_t min, std::int64_t max) {
    return [&target, min, max](const toml::node& node) -> std::string {
        if (!node.is_integer()) {
            return "must be an integer";
        }
        const auto value = *node.value<std::int64_t>();
        if (value < min || value > max) {
            return "must be between " + std::to_string(min) + " and " + std::to_string(max);
        }
        target = static_cast<int>(value);
        return "";
    };
}

Apply number(double& target, double min, double max) {
    return [&target, min, max](const toml::node& node) -> std::string {
        if (!node.is_number()) {
            return "must be a number";
        }
        const double value = *node.value<double>();
        if (value < min || value > max) {
            std::ostringstream range;
            range << "must be between " << min << " and " << max;
            return range.str();
        }
        target = value;
        return "";
    };
}

Apply boolean(bool& target) {
    return [&target](const toml::node& node) -> std::string {
        if (!node.is_boolean()) {
            return "must be true or false";
        }
        target = *node.value<bool>();
        return "";
    };
}

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

// [database] synchronous: "full" or "normal", as PRAGMA synchronous names them (either case).
Apply synchronous(core::Synchronous& target) {
    return [&target](const toml::node& node) -> std::string {
        const auto word = node.value<std::string>();
        if (node.is_string() && (*word == "full" || *word == "FULL")) {
            target = core::Synchronous::full;
            return "";
        }
        if (node.is_string() && (*word == "normal" || *word == "NORMAL")) {
            target = core::Synchronous::normal;
            return "";
        }
        return "must be \"full\" (no commit lost to a power cut) or \"normal\" (faster; a power "
               "cut may lose the last commits and send an SMS twice)";
    };
}

// `check` (when given) says what is wrong with one item, or "".
Apply text_list(std::vector<std::string>& target, bool allow_empty = true,
                std::function<std::string(const std::string&)> check = {}) {
    return [&target, allow_empty, check](const toml::node& node) -> std::string {
        const auto* array = node.as_array();
        if (!array) {
            return "must be an array of strings";
        }
        std::vector<std::string> values;
        for (const auto& item : *array) {
            if (!item.is_string()) {
                return "must be an array of strings";
            }
            values.push_back(*item.value<std::string>());
            if (check) {
                if (auto problem = check(values.back()); !problem.empty()) {
                    return problem;
                }
            }
        }
        if (!allow_empty && values.empty()) {
            return "must not be empty";
        }
        target = std::move(values);
        return "";
    };
}

std::string check_env_name(const std::string& value) {
    static const std::regex k_name("[A-Za-z_][A-Za-z0-9_]*");
    if (value.empty() || std::regex_match(value, k_name)) {
        return "";
    }
    return "must be the name of an environment variable (e.g. KIBARU_GW_PASSWORD), not a secret";
}

std::string check_url(const std::string& value) {
    if (value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0) {
        return "";
    }
    return "must be an http:// or https:// URL";
}

std::string check_listen(const std::string& value) {
    static const std::regex k_listen(R"(^(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.\-]+):([0-9]{1,5})$)");
    std::smatch m;
    if (std::regex_match(value, m, k_listen) && std::stoi(m[2]) <= 65535) {
        return "";
    }
    return "must be HOST:PORT, e.g. 127.0.0.1:8080";
}

std::string check_send_hours(const std::string& value) {
    static const std::regex k_hours(
        R"(^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$)");
    std::smatch m;
    if (!std::regex_match(value, m, k_hours)) {
        return "must be HH:MM-HH:MM in local time, e.g. 07:00-20:00";
    }
    const int from = std::stoi(m[1]) * 60 + std::stoi(m[2]);
    const int to = std::stoi(m[3]) * 60 + std::stoi(m[4]);
    if (to > 24 * 60 || from >= to) {
        return "must start before it ends, within one day (e.g. 07:00-20:00)";
    }
    return "";
}

std::string check_timezone(const std::string& value) {
    try {
        date::locate_zone(value);
        return "";
    } catch (const std::exception&) {
        return "\"" + value + "\" is not a time zone of the tz database (e.g. Africa/Bamako)";
    }
}

std::string check_region(const std::string& value) {
    return core::is_supported_region(value)
               ? ""
               : "\"" + value + "\" is not a two-letter region code libphonenumber knows (e.g. ML)";
}

// The gateway profiles Kibaru has (core/profiles/): the names `profile` may take.
std::vector<std::string> profile_names() {
    std::vector<std::string> names;
    for (const auto name : core::gateway_profile_names()) {
        names.emplace_back(name);
    }
    return names;
}

// [keywords] commodity_words = { sesame = ["SESAME", "BENE"], ... }: each commodity (as
// contacts name it: lower case) with the words an SMS may use for it. The same shape for
// [contacts] commodity_aliases and (with `kinds`: the names must be contact kinds) kind_aliases.
Apply commodity_words(std::vector<std::pair<std::string, std::vector<std::string>>>& target,
                      bool kinds = false) {
    return [&target, kinds](const toml::node& node) -> std::string {
        const auto* table = node.as_table();
        if (!table || table->empty()) {
            return "must be a table of commodity = [words], e.g. { sesame = [\"SESAME\", "
                   "\"BENE\"] }";
        }
        static const std::regex k_name("[a-z][a-z0-9_]*");
        std::vector<std::pair<std::string, std::vector<std::string>>> values;
        for (auto&& [key, words] : *table) {
            const std::string name(key.str());
            if (!std::regex_match(name, k_name)) {
                return "\"" + name + "\" is not a commodity name (lower case, as in contacts)";
            }
            if (kinds && !core::is_contact_kind(name)) {
                return "\"" + name +
                       "\" is not a contact kind (producer, po, mpe, seed_company, "
                       "other)";
            }
            const auto* array = words.as_array();
            if (!array) {
                return name + ": must be an array of words";
            }
            std::vector<std::string> list;
            for (const auto& w : *array) {
                if (!w.is_string() || w.value<std::string>()->empty()) {
                    return name + ": must be a non-empty array of words";
                }
                list.push_back(*w.value<std::string>());
            }
            values.emplace_back(name, std::move(list));
        }
        target = std::move(values);
        return "";
    };
}

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
              [](const std::string& v) {
                  try {
                      std::regex check(v);
                      return std::string();
                  } catch (const std::regex_error& e) {
                      return std::string("is not a valid regular expression: ") + e.what();
                  }
              })},
    };
}

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

std::vector<KeySpec> key_specs(core::Config& c) {
    std::vector<KeySpec> specs = {
        {"database.path", text(c.database.path,
                               [](const std::string& v) {
                                   return v.empty() ? std::string("must not be empty")
                                                    : std::string();
                               })},
        {"database.busy_timeout_ms", integer(c.database.busy_timeout_ms, 0, 600000)},
        {"database.synchronous", synchronous(c.database.synchronous)},
        {"backup.dir", text(c.backup.dir)},
        {"backup.every_hours", integer(c.backup.every_hours, 0, 8760)},
        {"backup.keep", integer(c.backup.keep, 1, 1000)},
        {"contacts.default_region", text(c.contacts.default_region, check_region)},
        {"contacts.languages", text_list(c.contacts.languages, false)},
        {"contacts.commodity_aliases", commodity_words(c.contacts.commodity_aliases)},
        {"contacts.kind_aliases", commodity_words(c.contacts.kind_aliases, true)},
        {"contacts.extra_mobile_prefixes", text_list(c.contacts.extra_mobile_prefixes, true,
                                                     [](const std::string& spec) {
                                                         auto added =
                                                             core::NumberingPlan().add(spec);
                                                         return added ? std::string()
                                                                      : added.error().message;
                                                     })},
        {"schedule.timezone", text(c.schedule.timezone, check_timezone)},
        {"schedule.send_hours", text(c.schedule.send_hours, check_send_hours)},
        {"sms.sender", text(c.sms.sender)},
        {"sms.encoding", choice(c.sms.encoding, {"auto", "gsm7", "ucs2", "translit"})},
        {"sms.max_segments", integer(c.sms.max_segments, 1, 10)},
        {"sms.cost_per_segment", number(c.sms.cost_per_segment, 0, 1e9)},
        {"sms.currency", text(c.sms.currency)},
        {"server.listen", text(c.server.listen, check_listen)},
        {"server.public_url", text(c.server.public_url, check_url)},
        {"server.token_env", text(c.server.token_env, check_env_name)},
        {"server.max_connections", integer(c.server.max_connections, 1, 100000)},
        {"server.listen_backlog", integer(c.server.listen_backlog, 1, 65535)},
        {"server.request_timeout_ms", integer(c.server.request_timeout_ms, 100, 600000)},
        {"server.idle_timeout_ms", integer(c.server.idle_timeout_ms, 100, 3600000)},
        {"console.enabled", boolean(c.console.enabled)},
        {"console.listen", text(c.console.listen, check_listen)},
        {"console.public_url", text(c.console.public_url, check_url)},
        {"console.session_idle_minutes", integer(c.console.session_idle_minutes, 1, 525600)},
        {"console.tls_cert", text(c.console.tls_cert)},
        {"console.tls_key", text(c.console.tls_key)},
        {"console.upload_max_mb", integer(c.console.upload_max_mb, 1, 4096)},
        {"inbound.stop_keywords", text_list(c.inbound.stop_keywords)},
        {"inbound.start_keywords", text_list(c.inbound.start_keywords)},
        {"inbound.stop_reply", text(c.inbound.stop_reply)},
        {"inbound.start_reply", text(c.inbound.start_reply)},
        {"keywords.price", text_list(c.keywords.price, false)},
        {"keywords.subscribe", text_list(c.keywords.subscribe, false)},
        {"keywords.unsubscribe", text_list(c.keywords.unsubscribe, false)},
        {"keywords.help", text_list(c.keywords.help, false)},
        {"keywords.commodity_words", commodity_words(c.keywords.commodity_words)},
        {"keywords.replies_per_day", integer(c.keywords.replies_per_day, 0, 1000)},
        {"keywords.answer_strangers", boolean(c.keywords.answer_strangers)},
        {"keywords.reply_templates_dir", text(c.keywords.reply_templates_dir)},
        {"log.level",
         choice(c.log.level, {"trace", "debug", "info", "warn", "error", "critical", "off"})},
        {"log.file", text(c.log.file)},
        {"log.mask_phones", boolean(c.log.mask_phones)},
        {"log.max_file_bytes", integer(c.log.max_file_bytes, 4096, 1 << 30)},
        {"log.max_files", integer(c.log.max_files, 1, 100)},
        {"routing.failover", boolean(c.routing.failover)},
        {"audit.witnesses", text_list(c.audit.witnesses, true,
                                      [](const std::string& v) {
                                          static const std::regex k_e164(R"(^\+[1-9][0-9]{6,14}$)");
                                          return std::regex_match(v, k_e164)
                                                     ? std::string()
                                                     : "\"" + v +
                                                           "\" is not an E.164 phone (e.g. "
                                                           "+22376123456)";
                                      })},
        {"audit.checkpoint_every", choice(c.audit.checkpoint_every, {"week", "day"})},
    };
    auto gateway = gateway_specs(c.gateway, "gateway");
    specs.insert(specs.end(), std::make_move_iterator(gateway.begin()),
                 std::make_move_iterator(gateway.end()));
    return specs;
}

const std::vector<std::string> k_tables = {
    "database", "backup",          "contacts",         "schedule", "sms",
    "gateway",  "gateway.generic", "gateways.generic", "routing",  "server",
    "console",  "inbound",         "keywords",         "log",      "audit"};

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

struct Walker {
    const std::string& source;
    const std::vector<KeySpec>& specs;
    std::vector<std::string> problems;

    void report(const toml::source_region& where, const std::string& key, const std::string& what) {
        problems.push_back(source + ":" + std::to_string(where.begin.line) + ": " + key + ": " +
                           what);
    }

    std::string suggestion(const std::string& key) const {
        std::string best;
        std::size_t best_distance = 3;
        for (const auto& spec : specs) {
            const auto d = edit_distance(key, spec.path);
            if (d < best_distance) {
                best_distance = d;
                best = spec.path;
            }
        }
        return best.empty() ? "" : " (did you mean " + best + "?)";
    }

    void walk(const toml::table& table, const std::string& prefix) {
        for (auto&& [key, node] : table) {
            const std::string path = prefix + std::string(key.str());
            if (path == "gateways") {
                continue; // [[gateways]]: read entry by entry once [gateway] is known
            }
            const bool is_table_name =
                std::find(k_tables.begin(), k_tables.end(), path) != k_tables.end();
            if (is_table_name) {
                if (const auto* sub = node.as_table()) {
                    walk(*sub, path + ".");
                } else {
                    report(key.source(), path, "must be a table ([" + path + "])");
                }
                continue;
            }
            const auto spec = std::find_if(specs.begin(), specs.end(),
                                           [&](const KeySpec& s) { return s.path == path; });
            if (spec == specs.end()) {
                std::string hint = suggestion(path);
                const std::string leaf(key.str());
                if (hint.empty() && (leaf == "password" || leaf == "token" || leaf == "api_key" ||
                                     leaf == "secret" || leaf == "auth_token")) {
                    hint = " (secrets are never written in the file: put the secret in an "
                           "environment variable and give its name, e.g. password_env)";
                }
                report(key.source(), path, "unknown key" + hint);
                continue;
            }
            if (auto problem = spec->apply(node); !problem.empty()) {
                report(node.source(), path, problem);
            }
        }
    }
};

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

// The reply texts, templates/replies.<lang>.txt (SPEC.md "Two-way SMS").
//
// Absent files fall back to the built-in texts; present files that are wrong refuse to load.
// Every command loads the configuration, and an install from before the files existed, or a
// daemon whose working directory has no templates/ (systemd runs it in /var/lib/kibaru), must
// keep answering producers: the built-in texts are the shipped files' own (a unit test holds
// them equal), so nothing is lost. But a file someone edited is the text they mean to send:
// quietly answering with another one would hide their mistake, so a file that does not read is
// an error naming its line, as a wrong key in kibaru.toml is. A directory named in the
// configuration must exist and hold the French file (French is every language's fallback).
std::filesystem::path read_link_or_empty(const std::filesystem::path& link) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(link, ec);
    return ec ? std::filesystem::path() : target;
}

// Where to look when [keywords] reply_templates_dir is not set: templates/ where kibaru runs
// (a source checkout), the package's data beside the binary (<prefix>/share/kibaru/templates,
// whatever the prefix), then Debian's /usr/share/kibaru/templates.
std::vector<std::filesystem::path> reply_template_candidates() {
    std::vector<std::filesystem::path> dirs = {"templates"};
    if (const auto exe = read_link_or_empty("/proc/self/exe"); !exe.empty()) {
        dirs.push_back(exe.parent_path().parent_path() / "share" / "kibaru" / "templates");
    }
    dirs.emplace_back("/usr/share/kibaru/templates");
    return dirs;
}

void load_reply_templates(core::Config& config) {
    namespace fs = std::filesystem;
    const std::string fallback(core::k_fallback_reply_language);
    const auto fallback_file = core::reply_template_file_name(fallback);
    const auto& configured = config.keywords.reply_templates_dir;
    fs::path dir;
    std::error_code ec;
    if (!configured.empty()) {
        dir = configured;
        if (!fs::is_directory(dir, ec)) {
            throw ConfigError(config.source + ": keywords.reply_templates_dir: \"" + configured +
                              "\" is not a directory (the one holding " + fallback_file + ")");
        }
        if (!fs::exists(dir / fallback_file, ec)) {
            throw ConfigError((dir / fallback_file).string() +
                              ": missing: the French replies are needed as every language's "
                              "fallback (keywords.reply_templates_dir in " +
                              config.source + ")");
        }
    } else {
        for (const auto& candidate : reply_template_candidates()) {
            if (fs::is_regular_file(candidate / fallback_file, ec)) {
                dir = candidate;
                break;
            }
        }
        if (dir.empty()) {
            return; // the built-in texts (core::ReplyTemplates())
        }
    }
    std::vector<std::string> languages = config.contacts.languages;
    if (std::find(languages.begin(), languages.end(), fallback) == languages.end()) {
        languages.insert(languages.begin(), fallback);
    }
    const auto mode = core::parse_encoding_mode(config.sms.encoding);
    std::map<std::string, core::ReplyTexts, std::less<>> by_language;
    std::vector<std::string> problems;
    for (const auto& language : languages) {
        const auto path = dir / core::reply_template_file_name(language);
        if (language != fallback && !fs::exists(path, ec)) {
            continue; // answered in French
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            problems.push_back(path.string() + ": cannot read the file");
            continue;
        }
        std::ostringstream text;
        text << in.rdbuf();
        auto texts = core::parse_reply_templates(
            text.str(), path.string(),
            {language == fallback, mode.value_or(core::EncodingMode::automatic)});
        if (!texts) {
            problems.push_back(texts.error().message);
            continue;
        }
        by_language.emplace(language, std::move(*texts));
    }
    if (!problems.empty()) {
        std::string all;
        for (const auto& p : problems) {
            all += (all.empty() ? "" : "\n") + p;
        }
        throw ConfigError(all);
    }
    config.replies = core::ReplyTemplates(std::move(by_language), dir.string());
}

} // namespace

core::Config parse_config(const std::string& text, const std::string& source_name) {
    core::Config config;
    config.source = source_name;
    toml::table table;
    try {
        table = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        throw ConfigError(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                          std::string(e.description()));
    }
    const auto specs = key_specs(config);
    Walker walker{source_name, specs, {}};
    walker.walk(table, "");
    read_gateways(table, config, walker);
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
    if (config.console.tls_cert.empty() != config.console.tls_key.empty()) {
        walker.problems.push_back(source_name + ": console.tls_cert, console.tls_key: give both "
                                                "(PEM files) for HTTPS, or neither");
    }
    if (!walker.problems.empty()) {
        std::string all;
        for (const auto& p : walker.problems) {
            all += (all.empty() ? "" : "\n") + p;
        }
        throw ConfigError(all);
    }
    return config;
}

core::Config load_config(const std::string& path) {
    core::Config config;
    if (path.empty()) {
        config.source = "(built-in defaults)";
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            throw ConfigError(path + ": cannot read the configuration file");
        }
        std::ostringstream text;
        text << in.rdbuf();
        config = parse_config(text.str(), path);
    }
    load_reply_templates(config);
    return config;
}

std::string secret_from_env(const std::string& name) {
    if (name.empty()) {
        return "";
    }
    const char* value = std::getenv(name.c_str());
    return value ? value : "";
}

} // namespace kibaru::app
