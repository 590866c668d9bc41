#include "core/csv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

using kibaru::core::CsvReader;
using kibaru::core::CsvRecord;

namespace {

struct Parsed {
    std::vector<CsvRecord> records;
    CsvReader::Status last = CsvReader::Status::end;
    std::string error;
    std::size_t error_line = 0;
    kibaru::core::Refusal why;
};

Parsed parse(const std::string& text, std::size_t max_record = 16u << 20) {
    std::istringstream in(text);
    CsvReader reader(in, max_record);
    Parsed parsed;
    CsvRecord record;
    while ((parsed.last = reader.next(record)) == CsvReader::Status::record) {
        parsed.records.push_back(record);
    }
    parsed.error = reader.error_message();
    parsed.error_line = reader.error_line();
    parsed.why = reader.error_why();
    return parsed;
}

using Fields = std::vector<std::string>;

} // namespace

TEST(CoreCsv, reads_plain_rows_with_their_line_numbers) {
    const auto p = parse("phone,name\n76123456,Awa\n66123456,Moussa\n");
    ASSERT_EQ(p.records.size(), 3u);
    EXPECT_EQ(p.records[1].fields, (Fields{"76123456", "Awa"}));
    EXPECT_EQ(p.records[2].line, 3u);
    EXPECT_EQ(p.last, CsvReader::Status::end);
}

TEST(CoreCsv, skips_a_utf8_byte_order_mark) {
    const auto p = parse("\xEF\xBB\xBFphone,name\n1,a\n");
    ASSERT_EQ(p.records.size(), 2u);
    EXPECT_EQ(p.records[0].fields[0], "phone");
}

TEST(CoreCsv, handles_crlf_line_endings) {
    const auto p = parse("a,b\r\n1,2\r\n3,4");
    ASSERT_EQ(p.records.size(), 3u);
    EXPECT_EQ(p.records[1].fields, (Fields{"1", "2"}));
    EXPECT_EQ(p.records[2].fields, (Fields{"3", "4"}));
    EXPECT_EQ(p.records[2].line, 3u);
}

TEST(CoreCsv, keeps_commas_and_doubled_quotes_inside_quoted_fields) {
    const auto p = parse("name,org\n\"Diarra, Fanta\",\"Union \"\"Nietaa\"\"\"\n");
    ASSERT_EQ(p.records.size(), 2u);
    EXPECT_EQ(p.records[1].fields, (Fields{"Diarra, Fanta", "Union \"Nietaa\""}));
}

TEST(CoreCsv, keeps_newlines_inside_quoted_fields_and_counts_lines) {
    const auto p = parse("a,b\n\"line one\nline two\",x\nnext,row\n");
    ASSERT_EQ(p.records.size(), 3u);
    EXPECT_EQ(p.records[1].fields[0], "line one\nline two");
    EXPECT_EQ(p.records[1].line, 2u);
    EXPECT_EQ(p.records[2].line, 4u);
}

TEST(CoreCsv, skips_empty_lines_and_lines_of_commas) {
    const auto p = parse("a,b\n\n1,2\n,\n   \n\r\n3,4\n\n");
    ASSERT_EQ(p.records.size(), 3u);
    EXPECT_EQ(p.records[1].line, 3u);
    EXPECT_EQ(p.records[2].line, 7u);
}

TEST(CoreCsv, keeps_a_row_of_quoted_empty_fields) {
    const auto p = parse("a,b\n\"\",\"\"\n");
    ASSERT_EQ(p.records.size(), 2u);
    EXPECT_EQ(p.records[1].fields, (Fields{"", ""}));
}

TEST(CoreCsv, flags_the_first_field_that_is_not_utf8) {
    const auto p = parse("a,b,c\nok,S\xE9gou,\xFF\n");
    ASSERT_EQ(p.records.size(), 2u);
    EXPECT_EQ(p.records[0].invalid_utf8_field, -1);
    EXPECT_EQ(p.records[1].invalid_utf8_field, 1);
}

TEST(CoreCsv, reads_a_one_megabyte_line) {
    const std::string big(1u << 20, 'x');
    const auto p = parse("a,b\n1," + big + "\n2,y\n");
    ASSERT_EQ(p.records.size(), 3u);
    EXPECT_EQ(p.records[1].fields[1].size(), big.size());
    EXPECT_EQ(p.records[2].line, 3u);
}

TEST(CoreCsv, refuses_a_record_over_the_limit) {
    const auto p = parse("a\n" + std::string(2000, 'x') + "\n", 1000);
    EXPECT_EQ(p.last, CsvReader::Status::error);
    EXPECT_EQ(p.error_line, 2u);
}

TEST(CoreCsv, reports_an_unterminated_quote_at_the_line_it_opened) {
    const auto p = parse("a,b\n1,2\n3,\"never closed\n4,5\n");
    EXPECT_EQ(p.last, CsvReader::Status::error);
    EXPECT_EQ(p.error_line, 3u);
    EXPECT_NE(p.error.find("never closed"), std::string::npos);
    EXPECT_EQ(p.records.size(), 2u);
}

TEST(CoreCsv, reports_text_after_a_closing_quote) {
    const auto p = parse("a,b\n\"x\"y,2\n");
    EXPECT_EQ(p.last, CsvReader::Status::error);
    EXPECT_EQ(p.error_line, 2u);
}

// Each way a file cannot be read past gives its reason as data too, for the console's French:
// a code of k_file_refusal_codes and the values its sentence names.
TEST(CoreCsv, each_broken_file_gives_its_reason_as_a_listed_code) {
    const auto listed = [](std::string_view code) {
        const auto& codes = kibaru::core::k_file_refusal_codes;
        return std::find(codes.begin(), codes.end(), code) != codes.end();
    };
    const struct {
        std::string text;
        std::size_t max_record;
        std::string_view code;
        std::vector<std::string> args;
    } cases[] = {
        {"a\n" + std::string(3u << 20, 'x') + "\n", 2u << 20, "file_record_too_long", {"2"}},
        {"a\n\"" + std::string(3u << 20, 'x') + "\"\n", 2u << 20, "file_quoted_too_long", {"2"}},
        {"a,b\n1,\"never closed\n", 16u << 20, "file_quote_never_closed", {}},
        {"a,b\nx\"y,2\n", 16u << 20, "file_quote_inside_field", {}},
        {"a,b\n\"x\"y,2\n", 16u << 20, "file_text_after_quote", {}},
    };
    for (const auto& c : cases) {
        const auto p = parse(c.text, c.max_record);
        ASSERT_EQ(p.last, CsvReader::Status::error) << c.code;
        EXPECT_EQ(p.why.code, c.code) << p.error;
        EXPECT_EQ(p.why.args, c.args) << c.code;
        EXPECT_TRUE(listed(p.why.code)) << c.code;
    }
}

TEST(CoreCsv, reads_the_last_row_without_a_newline) {
    const auto p = parse("a,b\n1,2");
    ASSERT_EQ(p.records.size(), 2u);
    EXPECT_EQ(p.records[1].fields, (Fields{"1", "2"}));
}

TEST(CoreCsv, writer_quotes_only_what_needs_it_and_round_trips) {
    const Fields fields = {"plain", "with,comma", "with \"quote\"", "two\nlines", ""};
    const std::string line = kibaru::core::csv_line(fields);
    EXPECT_EQ(line, "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",\n");
    const auto p = parse(line);
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.records[0].fields, fields);
}

// Found by tests/fuzz/fuzz_csv: a value starting with U+FEFF written as the first field of a
// file came back without it, read as the file's byte-order mark.
TEST(CoreCsv, a_field_starting_with_a_byte_order_mark_survives_being_first_in_a_file) {
    const Fields fields = {"\xEF\xBB\xBFpi", "x"};
    const auto p = parse(kibaru::core::csv_line(fields));
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.records[0].fields, fields);
}

TEST(CoreCsv, a_file_starting_with_0xEF_but_no_byte_order_mark_is_read_as_data) {
    const auto p = parse("\xEF\xBB\x89,x\n"); // U+FEC9, an Arabic letter
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.records[0].fields, (Fields{"\xEF\xBB\x89", "x"}));
}

// CSV as Excel writes it on a French Windows: `;` between fields (found from the header line,
// quotes respected), tab too; Windows-1252 text read as such where a record is not UTF-8.
TEST(CoreCsv, the_separator_is_found_from_the_header_line) {
    EXPECT_EQ(kibaru::core::detect_separator("phone,name,region"), ',');
    EXPECT_EQ(kibaru::core::detect_separator("Téléphone;Nom;Région\r\n76;a,b;c"), ';');
    EXPECT_EQ(kibaru::core::detect_separator("phone\tname\tregion"), '\t');
    EXPECT_EQ(kibaru::core::detect_separator("\"a;b;c\",name"), ',') << "inside quotes";
    EXPECT_EQ(kibaru::core::detect_separator("phone"), ',');

    std::istringstream in("Téléphone;Nom;Filières\r\n76 00 00 01;\"Traoré; Awa\";sesame\r\n");
    CsvReader reader(in, 16u << 20, CsvReader::k_detect);
    CsvRecord record;
    ASSERT_EQ(reader.next(record), CsvReader::Status::record);
    EXPECT_EQ(reader.separator(), ';');
    ASSERT_EQ(reader.next(record), CsvReader::Status::record);
    EXPECT_EQ(record.fields, (std::vector<std::string>{"76 00 00 01", "Traoré; Awa", "sesame"}));
}

TEST(CoreCsv, a_record_that_is_not_utf8_is_read_as_windows_1252_when_asked) {
    const std::string text = "phone;name\r\n76000001;Traor\xE9\r\n76000002;Kon\xE9 \x93"
                             "Awa\x94\r\n"
                             "76000003;Diarra\r\n";
    std::istringstream in(text);
    CsvReader reader(in, 16u << 20, CsvReader::k_detect, true);
    std::vector<CsvRecord> records;
    CsvRecord record;
    while (reader.next(record) == CsvReader::Status::record) {
        records.push_back(record);
    }
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[1].fields[1], "Traoré");
    EXPECT_TRUE(records[1].windows1252);
    EXPECT_EQ(records[2].fields[1], "Koné “Awa”");
    EXPECT_FALSE(records[3].windows1252);
    EXPECT_EQ(reader.windows1252_records(), 2u);

    std::istringstream strict(text);
    CsvReader utf8_only(strict, 16u << 20, CsvReader::k_detect);
    ASSERT_EQ(utf8_only.next(record), CsvReader::Status::record);
    ASSERT_EQ(utf8_only.next(record), CsvReader::Status::record);
    EXPECT_EQ(record.invalid_utf8_field, 1) << "without the option, the field is named";
}
