#include "ops/messages.hpp"

#include "core/message_template.hpp"
#include "core/utf8.hpp"
#include "ops/audit_trail.hpp"
#include "ops/campaign_lookup.hpp"
#include "ops/csv_table.hpp"
#include "ops/message_check.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kibaru::ops {

Result<std::vector<SavedMessage>> save_messages(const Env& env, std::int64_t campaign_id,
                                                const std::vector<PendingMessage>& pending,
                                                const std::string& source) {
    store::Transaction tx(env.db);
    store::CampaignsRepo repo(env.db);
    auto campaign = load_campaign(repo, campaign_id);
    if (!campaign) {
        return campaign.error();
    }
    if (campaign->status == "cancelled") {
        return conflict("campaign " + std::to_string(campaign->id) + " is cancelled");
    }
    std::string problems;
    std::string field;
    core::Refusal why; // of a single message: the console says it in French
    std::vector<std::pair<const PendingMessage*, MessageShape>> checked;
    for (const auto& message : pending) {
        if (!core::is_valid_utf8(message.text)) {
            problems += (problems.empty() ? "" : "\n") + message.origin + ": is not valid UTF-8";
            field = "text";
            continue;
        }
        auto shape = check_message(repo, env.config, *campaign, message.week, message.language,
                                   message.text);
        if (!shape) {
            problems +=
                (problems.empty() ? "" : "\n") + message.origin + ": " + shape.error().message;
            field = shape.error().field;
            why = shape.error().why;
            continue;
        }
        checked.emplace_back(&message, *shape);
    }
    if (!problems.empty()) {
        auto error = invalid("message refused, nothing saved:\n" + problems,
                             pending.size() == 1 ? field : "");
        if (pending.size() == 1) {
            error.why = std::move(why);
        }
        return error;
    }
    const std::string now = env.now_text();
    std::vector<SavedMessage> saved;
    for (const auto& [message, shape] : checked) {
        const std::string encoding(core::encoding_name(shape.encoding));
        repo.set_message({campaign->id, message->week, message->language, message->text, encoding,
                          shape.segments, now});
        record(env, "message.set", "campaign " + std::to_string(campaign->id),
               {{"week", message->week},
                {"language", message->language},
                {"encoding", encoding},
                {"segments", shape.segments},
                {"source", source},
                {"text", message->text}});
        saved.push_back(
            {message->week, message->language, encoding, shape.segments, shape.audience});
    }
    tx.commit();
    return saved;
}

Result<MessageBatch> messages_from_csv(std::istream& in, const std::string& name) {
    auto table = read_csv_table(
        in, name, {"week", "text"}, {"language"}, false,
        {{"week", {"semaine"}}, {"text", {"texte", "message"}}, {"language", {"langue"}}});
    if (!table) {
        return table.error();
    }
    MessageBatch batch;
    for (const auto& [line, row] : table->rows) {
        const std::string origin = name + ":" + std::to_string(line);
        auto week = parse_week(origin, row.at("week"));
        if (!week) {
            return week.error();
        }
        PendingMessage message{origin, *week,
                               row.count("language") ? std::string(core::trim(row.at("language")))
                                                     : "fr",
                               std::string(core::trim(row.at("text")))};
        if (message.language.empty()) {
            message.language = "fr";
        }
        // The same week and language twice: the later row wins, as in contacts import.
        auto& pending = batch.messages;
        const auto earlier = std::find_if(pending.begin(), pending.end(), [&](const auto& p) {
            return p.week == message.week && p.language == message.language;
        });
        if (earlier != pending.end()) {
            batch.warnings.push_back(earlier->origin + ": week " + std::to_string(message.week) +
                                     " (" + message.language + ") appears again on line " +
                                     std::to_string(line) + ", which wins");
            pending.erase(earlier);
        }
        pending.push_back(std::move(message));
    }
    if (batch.messages.empty()) {
        return with_why(invalid(name + ": no messages in the file"), {"messages_none", {name}});
    }
    return batch;
}

Result<MessageBatch> render_messages(const std::string& template_text,
                                     const std::string& template_name, const std::string& language,
                                     std::istream& data, const std::string& data_name) {
    core::Refusal why;
    const auto placeholders = core::template_placeholders(template_text, &why);
    if (!placeholders) {
        return with_why(invalid(template_name + ": " + placeholders.error().message, "template"),
                        std::move(why));
    }
    // French headers as messages_from_csv takes them (README: "the same reading applies").
    auto table = read_csv_table(data, data_name, {"week"}, {"language"}, true,
                                {{"week", {"semaine"}}, {"language", {"langue"}}});
    if (!table) {
        return table.error();
    }
    std::string columns;
    for (const auto& column : table->columns) {
        columns += (columns.empty() ? "" : ", ") + column;
    }
    std::vector<std::string> data_placeholders;
    for (const auto& name : *placeholders) {
        if (core::is_message_placeholder(name)) {
            continue;
        }
        if (!table->has(name)) {
            return with_why(
                invalid(template_name + ": unknown placeholder {" + name +
                            "}: it is not a message placeholder ({name}, "
                            "{organisation}, {region}, {week}, {weeks}, "
                            "{commodity}) nor a column of " +
                            data_name + " (" + columns + ")",
                        "template"),
                {"render_unknown_placeholder", {template_name, name, data_name, columns}});
        }
        data_placeholders.push_back(name);
    }
    const bool has_language = table->has("language");
    MessageBatch batch;
    for (const auto& [line, row] : table->rows) {
        const std::string origin = data_name + ":" + std::to_string(line);
        if (has_language && std::string(core::trim(row.at("language"))) != language) {
            continue; // a row for another language's template
        }
        core::TemplateValues values;
        for (const auto& name : data_placeholders) {
            const std::string value(core::trim(row.at(name)));
            if (value.empty()) {
                return with_why(invalid(origin + ": " + name +
                                        ": is empty, and the template uses {" + name + "}"),
                                {"render_empty_value", {origin, name}});
            }
            values.emplace_back(name, value);
        }
        auto week = parse_week(origin, row.at("week"));
        if (!week) {
            return week.error();
        }
        batch.messages.push_back(
            {origin, *week, language, core::fill_template(template_text, values)});
    }
    if (batch.messages.empty()) {
        return with_why(invalid(data_name + ": no rows for language " + language),
                        {"render_no_rows", {data_name, language}});
    }
    return batch;
}

std::vector<std::string> message_list_columns() {
    return {"week", "language", "encoding", "segments", "text", "updated_at"};
}

std::vector<util::Json> message_list_cells(const store::MessageRow& m, bool abbreviated) {
    return {m.week,
            m.language,
            m.encoding,
            m.segments,
            abbreviated ? core::utf8_prefix(m.text, 40) : m.text,
            m.updated_at};
}

Result<std::vector<store::MessageRow>> list_messages(const Env& env, std::int64_t campaign_id) {
    store::CampaignsRepo repo(env.db);
    auto campaign = load_campaign(repo, campaign_id);
    if (!campaign) {
        return campaign.error();
    }
    return repo.messages(campaign->id);
}

} // namespace kibaru::ops
