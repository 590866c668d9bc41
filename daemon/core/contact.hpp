// Contacts as program staff write them in a CSV: the header's columns, and the rules that turn one
// CSV row into a validated Contact or into the reason it is rejected (naming the field).
// Pure computation; safe to call from several threads (the import validates rows in parallel).
#pragma once

#include "core/csv.hpp"
#include "core/phone.hpp"
#include "core/result.hpp"

#include <array>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kibaru::core {

// The columns of the contacts CSV, in the order export writes them.
inline constexpr std::array<std::string_view, 8> k_contact_columns = {
    "phone", "name", "organisation", "kind", "region", "commodities", "language", "tags"};

inline constexpr std::array<std::string_view, 5> k_contact_kinds = {"producer", "po", "mpe",
                                                                    "seed_company", "other"};

inline constexpr std::array<std::string_view, 2> k_contact_statuses = {"active", "opted_out"};

struct Contact {
    std::string phone; // E.164
    std::string name;
    std::string organisation;
    std::string kind = "producer";
    std::string region;
    std::string commodities; // lower-case names joined by ';', without duplicates
    std::string language = "fr";
    std::string tags; // joined by ';'
};

// Where each known column sits in a file's rows (-1: the file does not have it).
struct ContactColumns {
    std::array<int, k_contact_columns.size()> index{};
    std::size_t width = 0;      // number of columns in the header
    std::vector<int> unnamed{}; // columns with no name: an empty first column, merged cells
    int status = -1;            // `status`, as contacts export writes it (see opts_out), or -1

    // Reads a header row. Fails, naming every offender, on unknown or duplicated column names,
    // or when `phone` is missing. A column without a name is kept aside: spreadsheets have
    // empty first columns and merged header cells; a row with a value in one is refused. Names are
    // matched without case or accents after trimming, in English or in French
    // (téléphone/tel/numéro, nom, organisation/coopérative, type, région/cercle/commune,
    // filières/produits, langue, étiquettes). The columns `contacts export` adds are read so
    // that an edited export imports again: created_at, updated_at and operator are left aside;
    // `status` is kept in `status`.
    // With `why`, each problem is told there too as data (k_header_refusal_codes), in order.
    static Result<ContactColumns> from_header(const std::vector<std::string>& header,
                                              std::vector<Refusal>* why = nullptr);

    // Whether `row` says the contact opted out (its status cell reads opted_out). A file can
    // opt a contact out, never back in: an opt-out comes from the producer (STOP) or staff
    // (contacts optout), and an export re-imported must not make anyone active again.
    bool opts_out(const CsvRecord& row) const;
};

struct FieldError {
    std::string field;  // a column name, or "row" for a problem with the row as a whole
    std::string reason; // a sentence fragment: `phone "20 22 33 44" is a fixed-line number...`
    // The reason as data, for the console's French: a code of k_row_reject_codes or
    // k_phone_refusal_codes, and the values its sentence names (for a phone: the number as
    // written, then the phone refusal's own).
    Refusal why = {};
};

// The codes contact_from_row refuses with besides the phone's; their args are in brackets.
inline constexpr std::array<std::string_view, 8> k_row_reject_codes = {
    "row_not_utf8",         //
    "row_no_phone",         //
    "row_width",            // [fields, fields in the header]
    "row_unnamed_value",    //
    "row_too_long",         // [characters allowed]
    "row_unknown_kind",     // [value]
    "row_bad_commodity",    // [value]
    "row_unknown_language", // [value, the configured languages]
};

// The codes from_header refuses a header with; their args are in brackets, after the place (the
// file and its header's line) that the caller, who knows the file's name, puts first.
inline constexpr std::array<std::string_view, 3> k_header_refusal_codes = {
    "header_unknown_column", // [column as written, the columns it may have]
    "header_column_twice",   // [column]
    "header_no_phone",       // []
};

// Values as people write them: folded (no case, no accents) -> the canonical value.
using ValueAliases = std::vector<std::pair<std::string, std::string>>;
// From [contacts] commodity_aliases / kind_aliases: each canonical value and its words.
ValueAliases fold_aliases(const std::vector<std::pair<std::string, std::vector<std::string>>>& by);

struct ContactRules {
    const PhoneNormalizer* phones = nullptr;
    std::vector<std::string> languages = {"fr", "bm"};
    ValueAliases commodity_aliases{};
    ValueAliases kind_aliases{};
};

// Validates one data row: the phone is normalized to E.164 (mobile only), kind/language must be
// known, commodities are lower-cased and de-duplicated, every value is trimmed.
std::variant<Contact, FieldError>
contact_from_row(const CsvRecord& row, const ContactColumns& columns, const ContactRules& rules);

// A ';'-list as stored (commodities, tags) and its items: trimmed, without empties and repeats,
// in first-seen order (lower-cased when `lower`); join_list puts them back.
std::vector<std::string> split_list(std::string_view text, bool lower = false);
std::string join_list(const std::vector<std::string>& items);

// True for one of k_contact_kinds.
bool is_contact_kind(std::string_view kind);

} // namespace kibaru::core
