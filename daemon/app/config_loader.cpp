// Reads kibaru.toml into core::Config: joins each section's table of keys (config_appliers.hpp),
// walks the file against it so that every problem is reported at once, runs the checks that
// take keys together, then reads the reply texts the configuration points at.
#include "app/config_loader.hpp"

#include "app/config_appliers.hpp"
#include "core/reply_templates.hpp"
#include "core/sms.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace kibaru::app {

namespace {

using config_keys::KeySpec;

// Every key kibaru.toml may hold outside [[gateways]]: each section's table, then [gateway]'s
// (the order in which a "did you mean" breaks ties).
std::vector<KeySpec> key_specs(core::Config& c) {
    auto specs = config_keys::section_specs(c);
    auto gateway = config_keys::gateway_specs(c.gateway, "gateway");
    specs.insert(specs.end(), std::make_move_iterator(gateway.begin()),
                 std::make_move_iterator(gateway.end()));
    return specs;
}

// The names that are tables, walked into rather than looked up as keys.
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

} // namespace

namespace config_keys {

void Walker::report(const toml::source_region& where, const std::string& key,
                    const std::string& what) {
    problems.push_back(source + ":" + std::to_string(where.begin.line) + ": " + key + ": " + what);
}

// The known key within two edits of `key`, for a typo's "did you mean".
std::string Walker::suggestion(const std::string& key) const {
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

void Walker::walk(const toml::table& table, const std::string& prefix) {
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

} // namespace config_keys

namespace {

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
    config_keys::Walker walker{source_name, specs, {}};
    walker.walk(table, "");
    // In this order: the entries start from [gateway] as walked, and the checks across keys see
    // the gateways as they will send.
    config_keys::read_gateways(table, config, walker);
    config_keys::check_gateways(config, walker);
    config_keys::check_sections(config, walker);
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
