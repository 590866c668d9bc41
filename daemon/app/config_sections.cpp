// Every section of kibaru.toml but the gateways: [database], [backup], [contacts], [schedule],
// [sms], [server], [console], [inbound], [keywords], [log], [routing] and [audit], with the checks
// only they use.
#include "app/config_appliers.hpp"

#include "core/contact.hpp"
#include "core/numbering_plan.hpp"
#include "core/phone.hpp"

#include <date/tz.h>

#include <exception>
#include <regex>
#include <utility>

namespace kibaru::app::config_keys {

namespace {

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

} // namespace

std::vector<KeySpec> section_specs(core::Config& c) {
    return {
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
}

// The console speaks HTTPS with both files; one without the other is a half-done setup, reported
// with the file's other problems rather than when the console starts.
void check_sections(const core::Config& config, Walker& walker) {
    const std::string& source_name = walker.source;
    if (config.console.tls_cert.empty() != config.console.tls_key.empty()) {
        walker.problems.push_back(source_name + ": console.tls_cert, console.tls_key: give both "
                                                "(PEM files) for HTTPS, or neither");
    }
}

} // namespace kibaru::app::config_keys
