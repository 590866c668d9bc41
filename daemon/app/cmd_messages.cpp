// `messages set|import|render|list`: the weekly texts of a campaign. Parse, read the files,
// call the operation, print.
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/output_options.hpp"
#include "core/utf8.hpp"
#include "ops/messages.hpp"
#include "ops/prices.hpp"
#include "util/rows.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
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

std::ifstream open_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw UsageError(path + ": cannot read the file");
    }
    return in;
}

int save(Context& context, std::int64_t campaign_id,
         const std::vector<ops::PendingMessage>& pending, const std::string& source) {
    for (const auto& m : unwrap(ops::save_messages(context.env(), campaign_id, pending, source))) {
        std::cout << "campaign " << campaign_id << " week " << m.week << " (" << m.language
                  << "): " << m.encoding << ", " << m.segments
                  << (m.segments == 1 ? " segment" : " segments") << ", " << m.audience
                  << " contacts\n";
    }
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
    ops::PendingMessage message{"--text", options.week, options.language, options.text};
    if (!options.file.empty()) {
        message.origin = options.file;
        message.text = read_text_file(options.file);
    } else if (!core::is_valid_utf8(message.text)) {
        throw UsageError("--text: is not valid UTF-8");
    }
    return save(context, options.id, {message}, "set");
}

ops::MessageBatch with_warnings(ops::MessageBatch batch) {
    for (const auto& warning : batch.warnings) {
        std::cerr << warning << "\n";
    }
    return batch;
}

int run_import(Context& context, std::int64_t id, const std::string& path) {
    auto in = open_file(path);
    const auto batch = with_warnings(unwrap(ops::messages_from_csv(in, path)));
    return save(context, id, batch.messages, "import " + path);
}

struct RenderOptions {
    std::int64_t id = 0;
    std::string template_path;
    std::string data_path;
    std::string language;
    bool from_prices = false;
    std::string market;
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
    const std::string language =
        options.language.empty()
            ? language_from_name(options.template_path, context.config().contacts.languages)
            : options.language;
    if (language.empty()) {
        throw UsageError("--language is needed: the template's file name (e.g. sesame.fr.txt) "
                         "does not say its language");
    }
    if (options.from_prices) {
        // The week's values from the price table, as a --data file would give them.
        std::istringstream data(
            unwrap(ops::price_values_csv(context.env(), options.id, options.market)));
        const std::string origin = "prices at " + options.market;
        const auto batch = with_warnings(
            unwrap(ops::render_messages(text, options.template_path, language, data, origin)));
        return save(context, options.id, batch.messages,
                    "render " + options.template_path + " from " + origin);
    }
    auto data = open_file(options.data_path);
    const auto batch = with_warnings(unwrap(
        ops::render_messages(text, options.template_path, language, data, options.data_path)));
    return save(context, options.id, batch.messages,
                "render " + options.template_path + " " + options.data_path);
}

int run_list(Context& context, std::int64_t id, const std::string& format) {
    const auto messages = unwrap(ops::list_messages(context.env(), id));
    const auto f = util::parse_format(format);
    auto writer = util::make_row_writer(f, std::cout, ops::message_list_columns());
    for (const auto& m : messages) {
        writer->row(ops::message_list_cells(m, f == util::Format::table));
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
    auto* data = renderer->add_option("--data", render->data_path,
                                      "CSV with a week column and one column per placeholder");
    auto* from_prices = renderer->add_flag(
        "--from-prices", render->from_prices,
        "take each week's {market} {price_min} {price_max} {unit} {trend} from the price table "
        "(prices import): the latest price on or before the day the week opens");
    renderer->add_option("--market", render->market, "with --from-prices: the market")
        ->needs(from_prices);
    data->excludes(from_prices);
    renderer->add_option("--language", render->language,
                         "the template's language (default: from its file name)");
    renderer->callback([&sink, render] {
        if (render->data_path.empty() && !render->from_prices) {
            throw CLI::ValidationError("--data or --from-prices", "one of them is required");
        }
        if (render->from_prices && render->market.empty()) {
            throw CLI::ValidationError("--market", "--from-prices needs the market");
        }
        sink.action = [render](Context& c) { return run_render(c, *render); };
    });

    auto list_id = std::make_shared<std::int64_t>(0);
    auto list_format = std::make_shared<std::string>("table");
    auto* list = messages->add_subcommand("list", "week, language, encoding, segments, text");
    list->add_option("ID", *list_id, "campaign id")->required();
    auto* list_format_option = list->add_option("--format", *list_format, "table, csv or json")
                                   ->check(CLI::IsMember({"table", "csv", "json"}));
    add_excel_flag(*list, *list_format_option, *list_format);
    list->callback([&sink, list_id, list_format] {
        sink.action = [list_id, list_format](Context& c) {
            return run_list(c, *list_id, *list_format);
        };
    });
}

} // namespace kibaru::app
