#include "core/config.hpp"
#include "core/contact.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace kibaru::core;

namespace {

const PhoneNormalizer k_mali("ML");

ContactColumns columns_of(std::vector<std::string> header) {
    auto columns = ContactColumns::from_header(header);
    EXPECT_TRUE(columns.ok()) << (columns.ok() ? "" : columns.error().message);
    return *columns;
}

std::variant<Contact, FieldError> validate(const std::vector<std::string>& header,
                                           std::vector<std::string> fields) {
    CsvRecord row{2, std::move(fields), -1};
    return contact_from_row(row, columns_of(header), ContactRules{&k_mali, {"fr", "bm"}});
}

const std::vector<std::string> k_full = {"phone",  "name",        "organisation", "kind",
                                         "region", "commodities", "language",     "tags"};

} // namespace

TEST(CoreContact, header_accepts_columns_in_any_order_and_any_case) {
    auto columns = ContactColumns::from_header({"Name", " PHONE ", "region"});
    ASSERT_TRUE(columns.ok());
    EXPECT_EQ(columns->index[0], 1);
    EXPECT_EQ(columns->index[1], 0);
    EXPECT_EQ(columns->index[3], -1);
}

TEST(CoreContact, header_rejects_unknown_columns_by_name) {
    auto columns = ContactColumns::from_header({"phone", "village", "name"});
    ASSERT_FALSE(columns.ok());
    EXPECT_NE(columns.error().message.find("unknown column \"village\""), std::string::npos);
}

TEST(CoreContact, header_requires_phone_and_refuses_duplicates) {
    EXPECT_FALSE(ContactColumns::from_header({"name", "region"}).ok());
    auto twice = ContactColumns::from_header({"phone", "name", "Phone"});
    ASSERT_FALSE(twice.ok());
    EXPECT_NE(twice.error().message.find("appears twice"), std::string::npos);
}

TEST(CoreContact, columns_without_a_name_may_be_there_if_they_are_empty) {
    // An empty first column and a merged header cell, as a workbook gives them.
    const std::vector<std::string> header = {"", "phone", "commodities"};
    const auto empty = validate(header, {"", "76123456", "sesame", ""});
    ASSERT_TRUE(std::holds_alternative<Contact>(empty));
    EXPECT_EQ(std::get<Contact>(empty).phone, "+22376123456");
    const auto first = validate(header, {"x", "76123456", "sesame"});
    ASSERT_TRUE(std::holds_alternative<FieldError>(first));
    EXPECT_EQ(std::get<FieldError>(first).field, "column 1");
    EXPECT_NE(std::get<FieldError>(first).reason.find("no name"), std::string::npos);
    const auto past = validate(header, {"", "76123456", "sesame", "rice"});
    ASSERT_TRUE(std::holds_alternative<FieldError>(past));
    EXPECT_EQ(std::get<FieldError>(past).field, "column 4");
    const auto short_row = validate(header, {"", "76123456"});
    ASSERT_TRUE(std::holds_alternative<FieldError>(short_row));
    EXPECT_EQ(std::get<FieldError>(short_row).field, "row");
}

TEST(CoreContact, builds_a_normalized_contact) {
    auto result = validate(k_full, {" 76 12 34 56 ", "Awa Traoré", "Jiguiya", "PO", "Dioila",
                                    "Sesame; rice;sesame", "BM", "trained; 2019"});
    ASSERT_TRUE(std::holds_alternative<Contact>(result));
    const auto& c = std::get<Contact>(result);
    EXPECT_EQ(c.phone, "+22376123456");
    EXPECT_EQ(c.kind, "po");
    EXPECT_EQ(c.commodities, "sesame;rice");
    EXPECT_EQ(c.language, "bm");
    EXPECT_EQ(c.tags, "trained;2019");
}

TEST(CoreContact, defaults_kind_to_producer_and_language_to_french) {
    auto result = validate({"phone"}, {"66123456"});
    ASSERT_TRUE(std::holds_alternative<Contact>(result));
    EXPECT_EQ(std::get<Contact>(result).kind, "producer");
    EXPECT_EQ(std::get<Contact>(result).language, "fr");
}

TEST(CoreContact, names_the_field_of_each_reject) {
    auto field_of = [](const std::variant<Contact, FieldError>& r) {
        return std::holds_alternative<FieldError>(r) ? std::get<FieldError>(r).field : "(none)";
    };
    EXPECT_EQ(field_of(validate({"phone", "kind"}, {"20223344", "po"})), "phone");
    EXPECT_EQ(field_of(validate({"phone", "kind"}, {"76123456", "farmer"})), "kind");
    EXPECT_EQ(field_of(validate({"phone", "language"}, {"76123456", "en"})), "language");
    EXPECT_EQ(field_of(validate({"phone", "commodities"}, {"76123456", "sésame"})), "commodities");
    EXPECT_EQ(field_of(validate({"phone", "name"}, {"76123456", std::string(201, 'a')})), "name");
    EXPECT_EQ(field_of(validate({"phone", "name"}, {"76123456"})), "row");
}

TEST(CoreContact, reports_invalid_utf8_under_its_column_name) {
    CsvRecord row{5, {"76123456", "S\xE9gou"}, 1};
    auto result =
        contact_from_row(row, columns_of({"phone", "region"}), ContactRules{&k_mali, {"fr"}});
    ASSERT_TRUE(std::holds_alternative<FieldError>(result));
    EXPECT_EQ(std::get<FieldError>(result).field, "region");
}

TEST(CoreContact, quotes_the_rejected_phone_in_the_reason) {
    auto result = validate({"phone"}, {"20 22 33 44"});
    ASSERT_TRUE(std::holds_alternative<FieldError>(result));
    EXPECT_EQ(std::get<FieldError>(result).reason,
              "\"20 22 33 44\" is a fixed-line number, not a mobile");
}

// Each reject carries its reason as data too (a listed code and its values), from which the
// console writes it in French; a phone's values start with the number as written.
TEST(CoreContact, a_reject_gives_its_reason_as_a_listed_code_and_its_values) {
    const auto why = [](const std::variant<Contact, FieldError>& result) {
        EXPECT_TRUE(std::holds_alternative<FieldError>(result));
        const auto refusal = std::get<FieldError>(result).why;
        const bool listed = std::find(k_row_reject_codes.begin(), k_row_reject_codes.end(),
                                      refusal.code) != k_row_reject_codes.end() ||
                            std::find(k_phone_refusal_codes.begin(), k_phone_refusal_codes.end(),
                                      refusal.code) != k_phone_refusal_codes.end();
        EXPECT_TRUE(listed) << "unlisted code \"" << refusal.code << "\"";
        return refusal;
    };
    using Args = std::vector<std::string>;
    auto r = why(validate({"phone"}, {"20 22 33 44"}));
    EXPECT_EQ(r.code, "phone_fixed_line");
    EXPECT_EQ(r.args, Args{"20 22 33 44"});
    r = why(validate({"phone"}, {"76 12 34"}));
    EXPECT_EQ(r.code, "phone_wrong_length");
    EXPECT_EQ(r.args, (Args{"76 12 34", "6", "223", "ML", "8"}));
    EXPECT_EQ(why(validate({"phone"}, {"76-AB-34-56"})).code, "phone_bad_characters");
    EXPECT_EQ(why(validate({"phone"}, {"7+6123456"})).code, "phone_plus_inside");
    EXPECT_EQ(why(validate({"phone"}, {""})).code, "row_no_phone");
    r = why(validate({"phone", "language"}, {"76123456", "xx"}));
    EXPECT_EQ(r.code, "row_unknown_language");
    EXPECT_EQ(r.args, (Args{"xx", "fr, bm"}));
    r = why(validate({"phone", "kind"}, {"76123456", "farmer"}));
    EXPECT_EQ(r.code, "row_unknown_kind");
    EXPECT_EQ(r.args, Args{"farmer"});
    EXPECT_EQ(why(validate({"phone", "commodities"}, {"76123456", "sés@me"})).code,
              "row_bad_commodity");
    r = why(validate({"phone", "name"}, {"76123456"}));
    EXPECT_EQ(r.code, "row_width");
    EXPECT_EQ(r.args, (Args{"1", "2"}));
    EXPECT_EQ(why(validate({"phone", "name"}, {"76123456", std::string(201, 'a')})).code,
              "row_too_long");
}

// A contact list as a programme officer saves it from French Excel: French column names (any
// case, with or without accents) and values written as people write them.
TEST(CoreContact, french_headers_and_values_as_people_write_them) {
    const std::vector<std::string> header = {"Téléphone", "NOM",      "Coopérative", "Type",
                                             "Cercle",    "Filières", "Langue",      "Étiquettes"};
    const auto columns = ContactColumns::from_header(header);
    ASSERT_TRUE(columns.ok()) << columns.error().message;
    ContactsConfig config;
    const ContactRules rules{&k_mali,
                             {"fr", "bm"},
                             fold_aliases(config.commodity_aliases),
                             fold_aliases(config.kind_aliases)};
    CsvRecord row{3,
                  {"76 00 00 01", "Awa Traoré", "Jiguiya", "OP", "Kita", "Sésame; RIZ; sesame",
                   "bm", "2019"}};
    const auto contact = contact_from_row(row, *columns, rules);
    ASSERT_TRUE(std::holds_alternative<Contact>(contact))
        << std::get<FieldError>(contact).field << ": " << std::get<FieldError>(contact).reason;
    const auto& c = std::get<Contact>(contact);
    EXPECT_EQ(c.kind, "po");
    EXPECT_EQ(c.commodities, "sesame;rice");
    EXPECT_EQ(c.region, "Kita");
    row.fields[3] = "Coopérative";
    EXPECT_EQ(std::get<Contact>(contact_from_row(row, *columns, rules)).kind, "po");
    row.fields[3] = "grossiste";
    EXPECT_EQ(std::get<FieldError>(contact_from_row(row, *columns, rules)).field, "kind");

    EXPECT_FALSE(ContactColumns::from_header({"telephone", "phone"}).ok()) << "phone twice";
    const auto unknown = ContactColumns::from_header({"Téléphone", "Adresse"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("\"Adresse\""), std::string::npos);
}
