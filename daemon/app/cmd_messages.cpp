// `messages set|import|render|list`: the weekly texts of a campaign.
#include "app/campaign_lookup.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/message_check.hpp"
#include "app/output.hpp"
#include "core/csv.hpp"
#include "core/utf8.hpp"
#include "store/audit_log.hpp"
#include "store/campaigns_repo.hpp"
#include "store/sqlite.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace kibaru::app {

namespace {

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw UsageError(path + ": cannot read the file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    if (content.rfind("\xEF\xBB\xBF", 0) == 0) {
        content.erase(0, 3);
    }
    if (!core::is_valid_utf8(content)) {
        throw UsageError(path + ": is not valid UTF-8 (save it as UTF-8)");
    }
    // An editor's final newline is not part of the SMS.
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
        content.pop_back();
    }
    return content;
}

struct PendingMessage {
    std::string origin; // "FILE:LINE" or "--text", for error messages
    int week = 0;
    std::string language;
    std::string text;
};

// Checks every message, then saves them all with one audit entry each, in one transaction.
// Any problem: all are reported, nothing is written, UsageError (exit 2).
int save_messages(Context& context, std::int64_t campaign_id,
                  const std::vector<PendingMessage>& pending, const std::string& source) {
    auto& db = context.db();
    store::Transaction tx(db);
    store::CampaignsRepo repo(db);
    const auto campaign = load_campaign(repo, campaign_id);
    if (campaign.status == "cancelled") {
        throw UsageError("campaign " + std::to_string(campaign.id) + " is cancelled");
    }
    std::string problems;
    std::vector<std::pair<const PendingMessage*, MessageShape>> checked;
    for (const auto& message : pending) {
        auto shape = check_message(repo, context.config(), campaign, message.week, message.language,
                                   message.text);
        if (!shape) {
            problems +=
                (problems.empty() ? "" : "\n") + message.origin + ": " + shape.error().message;
            continue;
        }
        checked.emplace_back(&message, *shape);
    }
    if (!problems.empty()) {
        throw UsageError("message refused, nothing saved:\n" + problems);
    }
    const std::string now = context.now_text();
    for (const auto& [message, shape] : checked) {
        const std::string encoding(core::encoding_name(shape.encoding));
        repo.set_message({campaign.id, message->week, message->language, message->text, encoding,
                          shape.segments, now});
        const nlohmann::json details = {{"week", message->week}, {"language", message->language},
                                        {"encoding", encoding},  {"segments", shape.segments},
                                        {"source", source},      {"text", message->text}};
        store::AuditLog(db).append(now, context.actor(), "message.set",
                                   "campaign " + std::to_string(campaign.id), details.dump());
        std::cout << "campaign " << campaign.id << " week " << message->week << " ("
                  << message->language << "): " << encoding << ", " << shape.segments
                  << (shape.segments == 1 ? " segment" : " segments") << ", " << shape.audience
                  << " contacts\n";
    }
    tx.commit();
    return k_ok;
}

struct SetOptions {
    std::int64_t id = 0;
    int week = 0;
    std::string language = "fr";
    std::string text;
    std::string file;
};

int run_set(Context& context, const SetOptions& options) {
    PendingMessage message{"--text", options.week, options.language, options.text};
    if (!options.file.empty()) {
        message.origin = options.file;
        message.text = read_text_file(options.file);
    } else if (!core::is_valid_utf8(message.text)) {
        throw UsageError("--text: is not valid UTF-8");
    }
    return save_messages(context, options.id, {message}, "set");
}

// Reads a CSV whose header must hold `required` columns and may hold `optional` ones (and, with
// `any_columns`, anything else). Returns the rows as column->value maps with their line.
struct CsvTable {
    std::vector<std::string> columns;
    std::vector<std::pair<std::size_t, std::map<std::string, std::string>>> rows;
};

CsvTable read_csv_table(const std::string& path, const std::vector<std::string>& required,
                        const std::vector<std::string>& optional, bool any_columns) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw UsageError(path + ": cannot read the file");
    }
    core::CsvReader reader(in);
    core::CsvRecord record;
    auto status = reader.next(record);
    auto fail_structure = [&] {
        throw UsageError(path + ":" + std::to_string(reader.error_line()) + ": " +
                         reader.error_message());
    };
    if (status == core::CsvReader::Status::error) {
        fail_structure();
    }
    if (status == core::CsvReader::Status::end) {
        throw UsageError(path + ": the file is empty (a header row is required)");
    }
    CsvTable table;
    for (const auto& name : record.fields) {
        std::string column(core::trim(name));
        const bool known = std::find(required.begin(), required.end(), column) != required.end() ||
                           std::find(optional.begin(), optional.end(), column) != optional.end();
        if (!known && !any_columns) {
            throw UsageError(path + ":1: header: unknown column \"" + column + "\"");
        }
        if (std::find(table.columns.begin(), table.columns.end(), column) != table.columns.end()) {
            throw UsageError(path + ":1: header: column \"" + column + "\" appears twice");
        }
        table.columns.push_back(column);
    }
    for (const auto& name : required) {
        if (std::find(table.columns.begin(), table.columns.end(), name) == table.columns.end()) {
            throw UsageError(path + ":1: header: the \"" + name + "\" column is missing");
        }
    }
    while ((status = reader.next(record)) == core::CsvReader::Status::record) {
        if (record.invalid_utf8_field >= 0) {
            throw UsageError(path + ":" + std::to_string(record.line) + ": " +
                             table.columns[static_cast<std::size_t>(record.invalid_utf8_field)] +
                             ": is not valid UTF-8");
        }
        if (record.fields.size() != table.columns.size()) {
            throw UsageError(path + ":" + std::to_string(record.line) + ": row: has " +
                             std::to_string(record.fields.size()) + " fields but the header has " +
                             std::to_string(table.columns.size()));
        }
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < record.fields.size(); ++i) {
            row[table.columns[i]] = record.fields[i];
        }
        table.rows.emplace_back(record.line, std::move(row));
    }
    if (status == core::CsvReader::Status::error) {
        fail_structure();
    }
    return table;
}

int parse_week(const std::string& origin, const std::string& text) {
    const std::string value(core::trim(text));
    int week = 0;
    std::istringstream in(value);
    if (value.empty() || !(in >> week) || !in.eof()) {
        throw UsageError(origin + ": week: \"" + value + "\" is not a week number");
    }
    return week;
}

int run_import(Context& context, std::int64_t id, const std::string& path) {
    const auto table = read_csv_table(path, {"week", "text"}, {"language"}, false);
    std::vector<PendingMessage> pending;
    for (const auto& [line, row] : table.rows) {
        const std::string origin = path + ":" + std::to_string(line);
        PendingMessage message{origin, parse_week(origin, row.at("week")),
                               row.count("language") ? std::string(core::trim(row.at("language")))
                                                     : "fr",
                               std::string(core::trim(row.at("text")))};
        if (message.language.empty()) {
            message.language = "fr";
        }
        // The same week and language twice: the later row wins, as in contacts import.
        const auto earlier = std::find_if(pending.begin(), pending.end(), [&](const auto& p) {
            return p.week == message.week && p.language == message.language;
        });
        if (earlier != pending.end()) {
            std::cerr << earlier->origin << ": week " << message.week << " (" << message.language
                      << ") appears again on line " << line << ", which wins\n";
            pending.erase(earlier);
        }
        pending.push_back(std::move(message));
    }
    if (pending.empty()) {
        throw UsageError(path + ": no messages in the file");
    }
    return save_messages(context, id, pending, "import " + path);
}

struct RenderOptions {
    std::int64_t id = 0;
    std::string template_path;
    std::string data_path;
    std::string language;
};

// "templates/sesame.bm.txt" -> "bm" when bm is a configured language.
std::string language_from_name(const std::string& path, const std::vector<std::string>& known) {
    const std::string stem = std::filesystem::path(path).stem().string();
    const auto dot = stem.rfind('.');
    if (dot == std::string::npos) {
        return "";
    }
    const std::string suffix = stem.substr(dot + 1);
    return std::find(known.begin(), known.end(), suffix) != known.end() ? suffix : "";
}

int run_render(Context& context, const RenderOptions& options) {
    const std::string text = read_text_file(options.template_path);
    std::string language =
        options.language.empty()
            ? language_from_name(options.template_path, context.config().contacts.languages)
            : options.language;
    if (language.empty()) {
        throw UsageError("--language is needed: the template's file name (e.g. sesame.fr.txt) "
                         "does not say its language");
    }
    const auto placeholders = core::template_placeholders(text);
    if (!placeholders) {
        throw UsageError(options.template_path + ": " + placeholders.error().message);
    }
    const auto table = read_csv_table(options.data_path, {"week"}, {}, true);
    std::string columns;
    for (const auto& column : table.columns) {
        columns += (columns.empty() ? "" : ", ") + column;
    }
    std::vector<std::string> data_placeholders;
    for (const auto& name : *placeholders) {
        if (core::is_message_placeholder(name)) {
            continue;
        }
        if (std::find(table.columns.begin(), table.columns.end(), name) == table.columns.end()) {
            throw UsageError(options.template_path + ": unknown placeholder {" + name +
                             "}: it is not a message placeholder ({name}, {organisation}, "
                             "{region}, {week}, {weeks}, {commodity}) nor a column of " +
                             options.data_path + " (" + columns + ")");
        }
        data_placeholders.push_back(name);
    }
    const bool has_language =
        std::find(table.columns.begin(), table.columns.end(), "language") != table.columns.end();
    std::vector<PendingMessage> pending;
    for (const auto& [line, row] : table.rows) {
        const std::string origin = options.data_path + ":" + std::to_string(line);
        if (has_language && std::string(core::trim(row.at("language"))) != language) {
            continue; // a row for another language's template
        }
        core::TemplateValues values;
        for (const auto& name : data_placeholders) {
            const std::string value(core::trim(row.at(name)));
            if (value.empty()) {
                throw UsageError(origin + ": " + name + ": is empty, and the template uses {" +
                                 name + "}");
            }
            values.emplace_back(name, value);
        }
        pending.push_back({origin, parse_week(origin, row.at("week")), language,
                           core::fill_template(text, values)});
    }
    if (pending.empty()) {
        throw UsageError(options.data_path + ": no rows for language " + language);
    }
    return save_messages(context, options.id, pending,
                         "render " + options.template_path + " " + options.data_path);
}

int run_list(Context& context, std::int64_t id, const std::string& format) {
    store::CampaignsRepo repo(context.db());
    const auto campaign = load_campaign(repo, id);
    const Format f = parse_format(format);
    auto writer = make_row_writer(
        f, std::cout, {"week", "language", "encoding", "segments", "text", "updated_at"});
    for (const auto& m : repo.messages(campaign.id)) {
        writer->row({m.week, m.language, m.encoding, m.segments,
                     f == Format::table ? core::utf8_prefix(m.text, 40) : m.text, m.updated_at});
    }
    writer->finish();
    return k_ok;
}

} // namespace

void register_messages_commands(CLI::App& app, CommandSink& sink) {
    auto* messages = app.add_subcommand("messages", "write the weekly messages of a campaign");
    messages->require_subcommand(1);

    auto set = std::make_shared<SetOptions>();
    auto* setter = messages->add_subcommand("set", "the message of one campaign week");
    setter->add_option("ID", set->id, "campaign id")->required();
    setter->add_option("--week", set->week, "week number")->required();
    setter->add_option("--language", set->language, "language code (default fr)");
    auto* text = setter->add_option("--text", set->text, "the message");
    auto* file = setter->add_option("--file", set->file, "read the message from a UTF-8 file");
    text->excludes(file);
    setter->callback([&sink, set, setter] {
        if (setter->count("--text") + setter->count("--file") != 1) {
            throw CLI::ValidationError("--text or --file", "one of them is required");
        }
        sink.action = [set](Context& c) { return run_set(c, *set); };
    });

    auto import_id = std::make_shared<std::int64_t>(0);
    auto import_path = std::make_shared<std::string>();
    auto* importer = messages->add_subcommand(
        "import", "many weeks at once from a CSV with columns week,language,text");
    importer->add_option("ID", *import_id, "campaign id")->required();
    importer->add_option("FILE", *import_path, "CSV file")->required();
    importer->callback([&sink, import_id, import_path] {
        sink.action = [import_id, import_path](Context& c) {
            return run_import(c, *import_id, *import_path);
        };
    });

    auto render = std::make_shared<RenderOptions>();
    auto* renderer = messages->add_subcommand(
        "render", "fill a template from a CSV of weekly values (one row per week)");
    renderer->add_option("ID", render->id, "campaign id")->required();
    renderer
        ->add_option("--template", render->template_path,
                     "template file, e.g. templates/sesame.fr.txt")
        ->required();
    renderer
        ->add_option("--data", render->data_path,
                     "CSV with a week column and one column per placeholder")
        ->required();
    renderer->add_option("--language", render->language,
                         "the template's language (default: from its file name)");
    renderer->callback(
        [&sink, render] { sink.action = [render](Context& c) { return run_render(c, *render); }; });

    auto list_id = std::make_shared<std::int64_t>(0);
    auto list_format = std::make_shared<std::string>("table");
    auto* list = messages->add_subcommand("list", "week, language, encoding, segments, text");
    list->add_option("ID", *list_id, "campaign id")->required();
    list->add_option("--format", *list_format, "table, csv or json")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    list->callback([&sink, list_id, list_format] {
        sink.action = [list_id, list_format](Context& c) {
            return run_list(c, *list_id, *list_format);
        };
    });
}

} // namespace kibaru::app
