// The weekly messages of a campaign: saving them (one, from `messages set` or the API's PUT, or
// many from a CSV or a template filled from weekly values), checked all before any is stored,
// and the rows they are listed as.
#pragma once

#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/campaigns_repo.hpp"
#include "util/rows.hpp"

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::ops {

struct PendingMessage {
    std::string origin; // "FILE:LINE", "--text" or the API path, for error messages
    int week = 0;
    std::string language;
    std::string text;
};

struct SavedMessage {
    int week = 0;
    std::string language;
    std::string encoding; // gsm7 or ucs2
    int segments = 0;
    std::int64_t audience = 0; // contacts measured
};

// Checks every message (week in range, language of the campaign, placeholders known, each
// contact's text within [sms] max_segments), then saves them all, each audited, in one
// transaction. Any problem: all are listed (invalid), nothing is saved. Fails also not_found,
// conflict (a cancelled campaign).
Result<std::vector<SavedMessage>> save_messages(const Env& env, std::int64_t campaign_id,
                                                const std::vector<PendingMessage>& pending,
                                                const std::string& source);

struct MessageBatch {
    std::vector<PendingMessage> messages;
    std::vector<std::string> warnings; // a week and language given twice: the later row wins
};

// `messages import`: a CSV `week,language,text` (language optional, default fr).
Result<MessageBatch> messages_from_csv(std::istream& in, const std::string& name);

// The codes messages_from_csv and render_messages refuse with, beside read_csv_table's
// (k_table_refusal_codes) and the template's (k_message_refusal_codes); args in brackets.
inline constexpr std::array<std::string_view, 4> k_render_refusal_codes = {
    "messages_none",              // [file]
    "render_unknown_placeholder", // [template, placeholder, data file, its columns]
    "render_empty_value",         // [at, column (the placeholder of the same name)]
    "render_no_rows",             // [data file, language]
};

// `messages render`: `template_text` filled from a CSV with a `week` column and one column per
// placeholder that is not a message placeholder; rows of another `language` column value are
// skipped.
Result<MessageBatch> render_messages(const std::string& template_text,
                                     const std::string& template_name, const std::string& language,
                                     std::istream& data, const std::string& data_name);

std::vector<std::string> message_list_columns();
// With `abbreviated`, the text is cut to 40 characters (for a table on a terminal).
std::vector<util::Json> message_list_cells(const store::MessageRow& message, bool abbreviated);
Result<std::vector<store::MessageRow>> list_messages(const Env& env, std::int64_t campaign_id);

} // namespace kibaru::ops
