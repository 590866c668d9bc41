#include "core/contact.hpp"

#include "core/callbacks.hpp"
#include "core/utf8.hpp"

#include <algorithm>

namespace kibaru::core {

namespace {

std::string quoted(std::string_view value) {
    return "\"" + utf8_prefix(value, 40) + "\"";
}

constexpr std::size_t k_max_text_chars = 200;

bool is_commodity_name(std::string_view name) {
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

} // namespace

std::vector<std::string> split_list(std::string_view text, bool lower) {
    std::vector<std::string> items;
    while (true) {
        const auto cut = text.find(';');
        std::string item(trim(text.substr(0, cut)));
        if (lower) {
            item = ascii_lower(item);
        }
        if (!item.empty() && std::find(items.begin(), items.end(), item) == items.end()) {
            items.push_back(std::move(item));
        }
        if (cut == std::string_view::npos) {
            break;
        }
        text.remove_prefix(cut + 1);
    }
    return items;
}

std::string join_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out.push_back(';');
        }
        out += item;
    }
    return out;
}

bool is_contact_kind(std::string_view kind) {
    return std::find(k_contact_kinds.begin(), k_contact_kinds.end(), kind) != k_contact_kinds.end();
}

namespace {

// The column a French header names (its index in k_contact_columns), or the array's size.
std::ptrdiff_t french_column(std::string_view header) {
    static const std::vector<std::pair<std::string_view, std::size_t>> k_names = {
        {"TELEPHONE", 0},   {"TEL", 0},          {"NUMERO", 0},        {"NUMERO DE TELEPHONE", 0},
        {"PORTABLE", 0},    {"NOM", 1},          {"NOM ET PRENOM", 1}, {"PRENOM ET NOM", 1},
        {"NOM COMPLET", 1}, {"ORGANIZATION", 2}, {"COOPERATIVE", 2},   {"OP", 2},
        {"TYPE", 3},        {"CATEGORIE", 3},    {"REGION", 4},        {"CERCLE", 4},
        {"COMMUNE", 4},     {"FILIERE", 5},      {"FILIERES", 5},      {"PRODUIT", 5},
        {"PRODUITS", 5},    {"LANGUE", 6},       {"ETIQUETTES", 7},    {"ETIQUETTE", 7}};
    const auto folded = fold_keyword(trim(header));
    for (const auto& [name, column] : k_names) {
        if (folded == name) {
            return static_cast<std::ptrdiff_t>(column);
        }
    }
    return static_cast<std::ptrdiff_t>(k_contact_columns.size());
}

// The canonical value `written` stands for, or "" when no alias says.
std::string canonical(std::string_view written, const ValueAliases& aliases) {
    const auto folded = fold_keyword(written);
    for (const auto& [alias, value] : aliases) {
        if (alias == folded) {
            return value;
        }
    }
    return "";
}

} // namespace

ValueAliases fold_aliases(const std::vector<std::pair<std::string, std::vector<std::string>>>& by) {
    ValueAliases out;
    for (const auto& [value, words] : by) {
        out.emplace_back(fold_keyword(value), value);
        for (const auto& w : words) {
            out.emplace_back(fold_keyword(w), value);
        }
    }
    return out;
}

bool ContactColumns::opts_out(const CsvRecord& row) const {
    return status >= 0 && static_cast<std::size_t>(status) < row.fields.size() &&
           ascii_lower(trim(row.fields[static_cast<std::size_t>(status)])) == "opted_out";
}

Result<ContactColumns> ContactColumns::from_header(const std::vector<std::string>& header,
                                                   std::vector<Refusal>* why) {
    ContactColumns columns;
    columns.index.fill(-1);
    columns.width = header.size();
    std::string problems;
    auto add = [&](const std::string& problem, std::string_view code,
                   std::vector<std::string> args) {
        problems += problems.empty() ? "" : "; ";
        problems += problem;
        if (why != nullptr) {
            why->push_back({code, std::move(args)});
        }
    };
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string name = ascii_lower(trim(header[i]));
        if (name.empty()) {
            columns.unnamed.push_back(static_cast<int>(i));
            continue;
        }
        auto known = std::find(k_contact_columns.begin(), k_contact_columns.end(), name);
        if (known == k_contact_columns.end()) {
            known = k_contact_columns.begin() + french_column(header[i]);
        }
        // What `contacts export` adds, so that an export edited in Excel imports again: the
        // status is kept aside for opts_out, the rest is left aside.
        if (known == k_contact_columns.end() && name == "status" && columns.status < 0) {
            columns.status = static_cast<int>(i);
            continue;
        }
        if (known == k_contact_columns.end() &&
            (name == "created_at" || name == "updated_at" || name == "operator")) {
            continue;
        }
        if (known == k_contact_columns.end()) {
            std::string expected;
            for (const auto c : k_contact_columns) {
                expected += expected.empty() ? "" : ",";
                expected += c;
            }
            add("unknown column " + quoted(header[i]) + " (expected some of: " + expected +
                    ", or their French names)",
                "header_unknown_column", {utf8_prefix(header[i], 40), expected});
            continue;
        }
        auto& slot = columns.index[static_cast<std::size_t>(known - k_contact_columns.begin())];
        if (slot >= 0) {
            add("column \"" + std::string(*known) + "\" appears twice", "header_column_twice",
                {std::string(*known)});
            continue;
        }
        slot = static_cast<int>(i);
    }
    if (columns.index[0] < 0 && problems.empty()) {
        add("the header has no \"phone\" column", "header_no_phone", {});
    }
    if (!problems.empty()) {
        return Error{problems};
    }
    return columns;
}

std::variant<Contact, FieldError>
contact_from_row(const CsvRecord& row, const ContactColumns& columns, const ContactRules& rules) {
    if (row.invalid_utf8_field >= 0) {
        const auto i = static_cast<std::size_t>(row.invalid_utf8_field);
        std::string field = "column " + std::to_string(i + 1);
        for (std::size_t c = 0; c < columns.index.size(); ++c) {
            if (columns.index[c] == row.invalid_utf8_field) {
                field = std::string(k_contact_columns[c]);
            }
        }
        return FieldError{field, "is not valid UTF-8 (save the file as UTF-8)", {"row_not_utf8"}};
    }
    if (row.fields.size() < columns.width) {
        return FieldError{
            "row",
            "has " + std::to_string(row.fields.size()) + " fields but the header has " +
                std::to_string(columns.width),
            {"row_width", {std::to_string(row.fields.size()), std::to_string(columns.width)}}};
    }
    // Columns without a name (an empty first column, the rest of a merged header cell, fields
    // past the header's end) may be there, empty; a value in one is nobody's.
    auto unnamed = columns.unnamed;
    for (auto i = columns.width; i < row.fields.size(); ++i) {
        unnamed.push_back(static_cast<int>(i));
    }
    for (const int i : unnamed) {
        if (!trim(row.fields[static_cast<std::size_t>(i)]).empty()) {
            return FieldError{"column " + std::to_string(i + 1),
                              "has a value but no name in the header (name the column, or "
                              "empty it)",
                              {"row_unnamed_value"}};
        }
    }
    auto value = [&](std::size_t column) -> std::string_view {
        const int i = columns.index[column];
        return i < 0 ? std::string_view{} : trim(row.fields[static_cast<std::size_t>(i)]);
    };

    Contact contact;
    const std::string_view raw_phone = value(0);
    if (raw_phone.empty()) {
        return FieldError{"phone", "is empty", {"row_no_phone"}};
    }
    Refusal why;
    auto phone = rules.phones->mobile_e164(raw_phone, &why);
    if (!phone) {
        why.args.insert(why.args.begin(), std::string(raw_phone));
        return FieldError{"phone", quoted(raw_phone) + " " + phone.error().message, std::move(why)};
    }
    contact.phone = std::move(*phone);

    const std::array<std::string*, 2> texts = {&contact.name, &contact.organisation};
    for (std::size_t c = 1; c <= 2; ++c) {
        const auto text = value(c);
        if (utf8_length(text) > k_max_text_chars) {
            return FieldError{std::string(k_contact_columns[c]),
                              "is longer than " + std::to_string(k_max_text_chars) + " characters",
                              {"row_too_long", {std::to_string(k_max_text_chars)}}};
        }
        *texts[c - 1] = std::string(text);
    }

    if (auto kind = ascii_lower(value(3)); !kind.empty()) {
        if (!is_contact_kind(kind)) {
            kind = canonical(value(3), rules.kind_aliases); // "OP", "Coopérative"
        }
        if (!is_contact_kind(kind)) {
            return FieldError{"kind",
                              quoted(value(3)) +
                                  " is not one of producer, po, mpe, seed_company, other",
                              {"row_unknown_kind", {std::string(value(3))}}};
        }
        contact.kind = kind;
    }

    contact.region = std::string(value(4));
    if (utf8_length(contact.region) > k_max_text_chars) {
        return FieldError{"region",
                          "is longer than " + std::to_string(k_max_text_chars) + " characters",
                          {"row_too_long", {std::to_string(k_max_text_chars)}}};
    }

    auto commodities = split_list(value(5), true);
    for (auto& commodity : commodities) {
        // Written as people write them ("Sésame", "riz"); a canonical name is taken as it is.
        if (!rules.commodity_aliases.empty() &&
            std::none_of(rules.commodity_aliases.begin(), rules.commodity_aliases.end(),
                         [&](const auto& a) { return a.second == commodity; })) {
            if (auto named = canonical(commodity, rules.commodity_aliases); !named.empty()) {
                commodity = std::move(named);
            }
        }
        if (!is_commodity_name(commodity)) {
            return FieldError{"commodities",
                              quoted(commodity) +
                                  " is not a commodity name (letters a-z, digits, '_' or '-'; "
                                  "separate names with ';')",
                              {"row_bad_commodity", {commodity}}};
        }
    }
    // Two spellings of one commodity ("sesame;Sésame") are one.
    std::vector<std::string> distinct;
    for (auto& c : commodities) {
        if (std::find(distinct.begin(), distinct.end(), c) == distinct.end()) {
            distinct.push_back(std::move(c));
        }
    }
    contact.commodities = join_list(distinct);

    if (const auto language = ascii_lower(value(6)); !language.empty()) {
        if (std::find(rules.languages.begin(), rules.languages.end(), language) ==
            rules.languages.end()) {
            std::string known;
            for (const auto& l : rules.languages) {
                known += known.empty() ? "" : ", ";
                known += l;
            }
            return FieldError{"language",
                              quoted(value(6)) + " is not a configured language (" + known + ")",
                              {"row_unknown_language", {std::string(value(6)), known}}};
        }
        contact.language = language;
    }

    contact.tags = join_list(split_list(value(7), false));
    return contact;
}

} // namespace kibaru::core
