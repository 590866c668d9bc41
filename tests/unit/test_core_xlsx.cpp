// The .xlsx reader on workbooks written at test time: by openpyxl as staff's files are saved,
// by hand for what openpyxl never writes (shared strings, exponents, styles), and hostile ones.
#include "core/table_reader.hpp"
#include "core/xlsx.hpp"
#include "core/xlsx_values.hpp"
#include "xlsx_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

using kibaru::core::CsvReader;
using kibaru::core::CsvRecord;
using kibaru::core::NumberFormat;
using kibaru::core::RecordReader;
using kibaru::core::XlsxLimits;
using kibaru::core::XlsxReader;
using kibaru::test::python_file;

namespace {

using Fields = std::vector<std::string>;

struct Read {
    std::vector<CsvRecord> records;
    RecordReader::Status last = RecordReader::Status::end;
    std::string error;
    std::size_t error_line = 0;

    const Fields& fields(std::size_t i) const { return records.at(i).fields; }
};

Read read(const std::string& workbook, XlsxLimits limits = {}) {
    XlsxReader reader(workbook, limits);
    Read r;
    CsvRecord record;
    while ((r.last = reader.next(record)) == RecordReader::Status::record) {
        r.records.push_back(record);
    }
    r.error = reader.error_message();
    r.error_line = reader.error_line();
    return r;
}

// Reads a workbook that must be refused; the message.
std::string refusal(const std::string& workbook, XlsxLimits limits = {}) {
    const auto r = read(workbook, limits);
    EXPECT_EQ(r.last, RecordReader::Status::error);
    EXPECT_TRUE(r.records.empty());
    return r.error;
}

// A row of inline strings for hand-made sheets: cells("A", 1, {"phone", "name"}).
std::string inline_row(int row, const Fields& values) {
    std::string xml = "<row r=\"" + std::to_string(row) + "\">";
    for (std::size_t i = 0; i < values.size(); ++i) {
        xml += "<c r=\"" + std::string(1, static_cast<char>('A' + i)) + std::to_string(row) +
               "\" t=\"inlineStr\"><is><t>" + values[i] + "</t></is></c>";
    }
    return xml + "</row>";
}

} // namespace

TEST(CoreXlsx, reads_an_openpyxl_workbook_as_staff_typed_it) {
    const auto book = python_file(R"(
import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(['phone', 'name', 'commodities', 'registered', 'price'])
ws.append([76123456, 'Awa Traoré', 'Sésame', datetime.date(2024, 1, 15), 1250.5])
ws.append([22376123456.0, 'Moussa Keïta', 'riz', datetime.datetime(2024, 3, 1, 7, 30), 600])
other = wb.create_sheet('Notes')
other.append(['not', 'read'])
wb.save(OUT)
)");
    const auto r = read(book);
    ASSERT_EQ(r.last, RecordReader::Status::end) << r.error;
    ASSERT_EQ(r.records.size(), 3u) << "the second sheet is not read";
    EXPECT_EQ(r.fields(0), (Fields{"phone", "name", "commodities", "registered", "price"}));
    EXPECT_EQ(r.fields(1), (Fields{"76123456", "Awa Traoré", "Sésame", "2024-01-15", "1250.5"}));
    EXPECT_EQ(r.fields(2),
              (Fields{"22376123456", "Moussa Keïta", "riz", "2024-03-01 07:30", "600"}));
    EXPECT_EQ(r.records[2].line, 3u);
    EXPECT_EQ(r.records[2].invalid_utf8_field, -1);
}

TEST(CoreXlsx, numbers_stored_with_an_exponent_read_as_the_digits_typed) {
    const auto book = python_file(R"(
raw_xlsx(OUT, '<row r="1"><c r="A1"><v>2.2376123456E10</v></c><c r="B1"><v>7.6123456E7</v></c>'
              '<c r="C1" t="n"><v>1250.5</v></c><c r="D1"><v>0.30000000000000004</v></c>'
              '<c r="E1"><v>-0</v></c><c r="F1"><v>1E+21</v></c></row>')
)");
    const auto r = read(book);
    ASSERT_EQ(r.records.size(), 1u) << r.error;
    EXPECT_EQ(r.fields(0), (Fields{"22376123456", "76123456", "1250.5", "0.3", "0", "1e+21"}));
}

TEST(CoreXlsx, shared_inline_and_rich_text_strings) {
    const auto book = python_file(R"(
raw_xlsx(OUT,
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>2</v></c>'
    '<c r="B2" t="inlineStr"><is><r><t>Tra</t></r><r><rPr><b/></rPr><t>oré</t></r></is></c>'
    '<c r="C2" t="str"><f>A2</f><v>ligne 1_x000D__x000A_ligne 2</v></c>'
    '<c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#N/A</v></c></row>',
    shared='<si><t>phone</t></si>'
           '<si><r><t>na</t></r><r><rPr><i/></rPr><t>me</t></r><rPh><t>ネーム</t></rPh></si>'
           '<si><t xml:space="preserve"> Sésame _x005F_x0041_ </t></si>')
)");
    const auto r = read(book);
    ASSERT_EQ(r.records.size(), 2u) << r.error;
    EXPECT_EQ(r.fields(0), (Fields{"phone", "name"})) << "the phonetic guide is left out";
    EXPECT_EQ(r.fields(1),
              (Fields{" Sésame _x0041_ ", "Traoré", "ligne 1\r\nligne 2", "TRUE", "#N/A"}));
}

TEST(CoreXlsx, dates_by_cell_style_in_both_date_systems) {
    const auto styles =
        R"(styles_xml([0, 14, 164, 20, 22, 165], {164: '[$-40C]dd/mm/yyyy;@', 165: '0.00" m"'}))";
    const auto book = python_file(std::string("raw_xlsx(OUT, "
                                              "'<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45306</v></c>"
                                              "<c r=\"B1\" s=\"2\"><v>45306.75</v></c>"
                                              "<c r=\"C1\" s=\"3\"><v>0.3125</v></c>"
                                              "<c r=\"D1\" s=\"4\"><v>45306.3125</v></c>"
                                              "<c r=\"E1\" s=\"5\"><v>12.5</v></c>"
                                              "<c r=\"F1\" s=\"1\"><v>60</v></c>"
                                              "<c r=\"G1\" s=\"1\"><v>61</v></c>"
                                              "<c r=\"H1\" s=\"0\"><v>45306</v></c>"
                                              "<c r=\"I1\" s=\"1\"><v>5E9</v></c></row>', "
                                              "styles=") +
                                  styles + ")");
    const auto r = read(book);
    ASSERT_EQ(r.records.size(), 1u) << r.error;
    EXPECT_EQ(r.fields(0), (Fields{"2024-01-15", "2024-01-15", "07:30", "2024-01-15 07:30", "12.5",
                                   "1900-02-29", "1900-03-01", "45306", "5000000000"}))
        << "a quoted m is no month; serial 60 is Excel's 29 February 1900; beyond 9999, a number";

    const auto mac = python_file(R"(
raw_xlsx(OUT, '<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43844</v></c></row>',
         styles=styles_xml([0, 14]), date1904=True)
)");
    const auto m = read(mac);
    ASSERT_EQ(m.records.size(), 1u) << m.error;
    EXPECT_EQ(m.fields(0), (Fields{"1904-01-01", "2024-01-15"}));
}

TEST(CoreXlsx, merged_header_cells_and_an_empty_first_column_keep_their_places) {
    const auto book = python_file(R"(
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws['B1'] = 'Téléphone'
ws['C1'] = 'Nom'
ws['D1'] = 'Filières'
ws.merge_cells('D1:E1')
ws['B2'] = 76123456
ws['C2'] = 'Awa'
ws['D2'] = 'sésame'
ws['E2'] = 'riz'
ws['B4'] = 66123456
wb.save(OUT)
)");
    const auto r = read(book);
    ASSERT_EQ(r.records.size(), 3u) << r.error;
    EXPECT_EQ(r.fields(0), (Fields{"", "Téléphone", "Nom", "Filières"}));
    EXPECT_EQ(r.fields(1), (Fields{"", "76123456", "Awa", "sésame", "riz"}));
    EXPECT_EQ(r.fields(2), (Fields{"", "66123456", "", ""}))
        << "a row ending in empty cells is as wide as the header";
    EXPECT_EQ(r.records[2].line, 4u) << "the sheet's own row number";
}

TEST(CoreXlsx, rows_are_numbered_as_in_the_sheet_and_blank_ones_skipped) {
    const auto book = python_file(R"(
raw_xlsx(OUT, '<row r="2"><c r="A2" t="inlineStr"><is><t>phone</t></is></c></row>'
              '<row r="3"><c r="A3" s="0"/><c r="B3" t="inlineStr"><is><t>  </t></is></c></row>'
              '<row r="7" spans="1:2"><c r="A7"><v>1</v></c></row>'
              '<row><c><v>2</v></c><c><v>3</v></c></row>'
              '<row r="5"><c r="A5"><v>4</v></c><c r="B5" t="s"/></row>'
              '<row r="99999999999999999999999"><c r="A6"><v>5</v></c></row>')
)");
    const auto r = read(book);
    ASSERT_EQ(r.records.size(), 5u) << r.error;
    EXPECT_EQ(r.records[0].line, 2u);
    EXPECT_EQ(r.records[1].line, 7u);
    EXPECT_EQ(r.records[2].line, 8u) << "a row without a number follows the previous one";
    EXPECT_EQ(r.fields(2), (Fields{"2", "3"})) << "cells without a reference follow each other";
    EXPECT_EQ(r.records[3].line, 9u) << "row numbers only grow";
    EXPECT_EQ(r.fields(3), (Fields{"4"})) << "a text cell without its text is empty";
    EXPECT_EQ(r.records[4].line, 10u) << "an absurd row number is not taken";
}

// Excel (and openpyxl) stop at 32,767 characters a cell; other tools write more.
TEST(CoreXlsx, a_one_megabyte_cell_is_read_whole_and_a_larger_one_than_allowed_refused) {
    const auto book = python_file(R"(
big = 'é' * 500000 + 'x' * 24
raw_xlsx(OUT, '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
              '<row r="2"><c r="A2"><v>76123456</v></c><c r="B2" t="s"><v>2</v></c></row>'
              '<row r="3"><c r="A3"><v>66123456</v></c>'
              '<c r="B3" t="inlineStr"><is><t>' + big + '</t></is></c></row>',
         shared='<si><t>phone</t></si><si><t>notes</t></si><si><t>' + big + '</t></si>')
)");
    const auto r = read(book);
    ASSERT_EQ(r.records.size(), 3u) << r.error;
    for (const std::size_t row : {1u, 2u}) {
        EXPECT_EQ(r.fields(row)[1].size(), 1000024u);
        EXPECT_EQ(r.fields(row)[1].substr(0, 4), "éé");
        EXPECT_EQ(r.fields(row)[1].substr(1000020), "xxxx");
    }

    XlsxLimits small;
    small.max_record_bytes = 512u << 10;
    EXPECT_EQ(refusal(book, small), "the workbook holds a text longer than 512 KiB: refused");
    const auto inline_only = python_file(R"(
raw_xlsx(OUT, '<row r="1"><c r="A1"><v>1</v></c></row>'
              '<row r="2"><c r="A2"><v>2</v></c><c r="B2" t="inlineStr"><is><t>'
              + 'x' * 600000 + '</t></is></c></row>')
)");
    const auto refused = read(inline_only, small);
    EXPECT_EQ(refused.last, RecordReader::Status::error);
    EXPECT_EQ(refused.error, "cell B2 is longer than 512 KiB: refused");
    EXPECT_EQ(refused.error_line, 2u);
}

TEST(CoreXlsx, the_first_visible_sheet_is_read_wherever_its_part_is) {
    const auto book = python_file(R"(
import openpyxl
wb = openpyxl.Workbook()
hidden = wb.active
hidden.title = 'Lists'
hidden.append(['commodity'])
hidden.sheet_state = 'hidden'
contacts = wb.create_sheet('Contacts')
contacts.append(['phone'])
contacts.append([76123456])
wb.save(OUT)
)");
    const auto r = read(book);
    ASSERT_EQ(r.records.size(), 2u) << r.error;
    EXPECT_EQ(r.fields(0), (Fields{"phone"}));
}

TEST(CoreXlsx, open_table_tells_a_workbook_from_a_csv_by_its_bytes) {
    const auto book = python_file("raw_xlsx(OUT, '" + inline_row(1, {"phone", "name"}) + "')");
    std::istringstream workbook(book);
    auto reader = kibaru::core::open_table(workbook);
    EXPECT_NE(dynamic_cast<XlsxReader*>(reader.get()), nullptr);
    CsvRecord record;
    ASSERT_EQ(reader->next(record), RecordReader::Status::record) << reader->error_message();
    EXPECT_EQ(record.fields, (Fields{"phone", "name"}));

    // A CSV whose header starts like a zip ("PK") is still a CSV, read from its first byte.
    std::istringstream csv("PKG;name\n1;Awa\n");
    reader = kibaru::core::open_table(csv);
    ASSERT_NE(dynamic_cast<CsvReader*>(reader.get()), nullptr);
    ASSERT_EQ(reader->next(record), RecordReader::Status::record);
    EXPECT_EQ(record.fields, (Fields{"PKG", "name"}));
}

// Excel's "Texte Unicode" is UTF-16: refused as a whole, saying how to save it instead.
TEST(CoreXlsx, open_table_refuses_utf16_text_saying_how_to_save_it) {
    for (const std::string bom : {"\xFF\xFE", "\xFE\xFF"}) {
        std::istringstream text(bom + std::string("p\0h\0o\0n\0e\0\r\0\n\0", 14));
        auto reader = kibaru::core::open_table(text);
        CsvRecord record;
        ASSERT_EQ(reader->next(record), RecordReader::Status::error);
        EXPECT_EQ(reader->error_line(), 0u) << "the file as a whole";
        EXPECT_NE(reader->error_message().find("is UTF-16 text"), std::string::npos);
        EXPECT_NE(reader->error_message().find("CSV UTF-8"), std::string::npos);
        EXPECT_EQ(reader->error_why().code, "file_utf16");
    }
}

TEST(CoreXlsx, a_zip_bomb_is_refused_at_once_by_its_declared_size) {
    const auto book = python_file("bomb(OUT, 2048)"); // 2 GiB of spaces in 2 MiB
    ASSERT_LT(book.size(), 4u << 20);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(refusal(book),
              "the workbook is larger than 1024 MiB when uncompressed (a zip bomb?): refused");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST(CoreXlsx, a_zip_bomb_that_lies_about_its_size_is_refused_at_the_lie) {
    const auto book = python_file("bomb(OUT, 256, declared=4000)");
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(refusal(book), "the workbook is damaged: xl/worksheets/sheet1.xml inflates to more "
                             "than the 4000 bytes its zip header declares: refused");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST(CoreXlsx, every_part_read_counts_against_the_uncompressed_budget) {
    const auto book = python_file(R"(
raw_xlsx(OUT, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + ' ' * 700000,
         shared='<si><t>phone</t></si>' + ' ' * 700000)
)");
    XlsxLimits limits;
    limits.max_inflated_bytes = 1u << 20;
    EXPECT_EQ(refusal(book, limits),
              "the workbook is larger than 1 MiB when uncompressed (a zip bomb?): refused");
    EXPECT_EQ(read(book).records.size(), 1u) << "fine under the default budget";
}

TEST(CoreXlsx, shared_strings_are_bounded_in_count_and_bytes) {
    const auto book = python_file(R"(
raw_xlsx(OUT, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
         shared=''.join('<si><t>texte %d</t></si>' % i for i in range(1000)))
)");
    XlsxLimits count;
    count.max_shared_strings = 999;
    EXPECT_EQ(refusal(book, count), "the workbook has more than 999 different texts: refused");
    XlsxLimits bytes;
    bytes.max_shared_string_bytes = 1000;
    EXPECT_EQ(refusal(book, bytes), "the workbook's texts take more than 1000 bytes: refused");
}

TEST(CoreXlsx, files_that_are_not_workbooks_are_named_for_what_they_are) {
    EXPECT_EQ(refusal(std::string("PK\x03\x04", 4) + std::string(200, '\0')),
              "is not an .xlsx workbook (not a zip archive, or a truncated one)");
    EXPECT_EQ(refusal("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + std::string(600, '\0')),
              "is an encrypted workbook or an old .xls file: save it in Excel as .xlsx without a "
              "password, or as CSV");
    const auto zip = python_file(R"(
import zipfile
with zipfile.ZipFile(OUT, 'w') as z:
    z.writestr('notes.txt', 'bonjour')
)");
    EXPECT_EQ(refusal(zip),
              "is a zip archive but not an .xlsx workbook (it has no xl/workbook.xml)");
    const auto ods = python_file(R"(
import zipfile
with zipfile.ZipFile(OUT, 'w') as z:
    z.writestr('mimetype', 'application/vnd.oasis.opendocument.spreadsheet')
    z.writestr('content.xml', '<office:document-content/>')
)");
    EXPECT_EQ(refusal(ods), "is an OpenDocument spreadsheet (.ods), not an .xlsx workbook: save "
                            "it as .xlsx or as CSV");
    const auto no_sheet = python_file(R"(
raw_xlsx(OUT, '', parts={'xl/worksheets/sheet1.xml': None})
)");
    EXPECT_EQ(refusal(no_sheet), "the workbook has no worksheet");
    XlsxLimits limits;
    limits.max_file_bytes = 100;
    EXPECT_EQ(refusal(no_sheet, limits), "the workbook is larger than 100 bytes: refused");

    // The same reasons as data, for the console's French: the size and the old or encrypted
    // container each have their own; anything else the reader found goes with its own words.
    const auto why = [](const std::string& workbook, XlsxLimits bounds = {}) {
        XlsxReader reader(workbook, bounds);
        CsvRecord record;
        EXPECT_EQ(reader.next(record), RecordReader::Status::error);
        return reader.error_why();
    };
    const auto too_large = why(no_sheet, limits);
    EXPECT_EQ(too_large.code, "file_workbook_too_large");
    EXPECT_EQ(too_large.args, (Fields{"100 bytes"}));
    EXPECT_EQ(why("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + std::string(600, '\0')).code,
              "file_old_or_encrypted");
    const auto unreadable = why(ods);
    EXPECT_EQ(unreadable.code, "file_workbook_unreadable");
    EXPECT_EQ(unreadable.args, (Fields{refusal(ods)}));
}

TEST(CoreXlsx, hostile_xml_is_refused) {
    const auto laughs = python_file(R"(
raw_xlsx(OUT, '', parts={'xl/worksheets/sheet1.xml':
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    '<worksheet xmlns="' + NS + '"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;'
    '</t></is></c></row></sheetData></worksheet>'})
)");
    EXPECT_EQ(refusal(laughs),
              "xl/worksheets/sheet1.xml: has a DOCTYPE, which no workbook part has: refused");
    const auto deep = python_file("raw_xlsx(OUT, '<row r=\"1\">' + '<x>' * 100 + '</x>' * 100 + "
                                  "'</row>')");
    EXPECT_EQ(refusal(deep),
              "xl/worksheets/sheet1.xml: elements nested more than 64 deep: refused");
    const auto wide = python_file(R"(raw_xlsx(OUT, '<row r="3"><c r="XFE3"><v>1</v></c></row>'))");
    EXPECT_EQ(refusal(wide), "cell XFE3 is beyond column XFD: refused");
    const auto broken_ref = python_file(R"(
raw_xlsx(OUT, '<row r="1"><c r="A1" t="s"><v>7</v></c></row>', shared='<si><t>a</t></si>')
)");
    EXPECT_EQ(refusal(broken_ref), "cell A1 refers to text number 7, which the workbook does not "
                                   "have (the file is damaged)");
}

TEST(CoreXlsx, damaged_xml_stops_at_the_row_it_is_in) {
    const auto book = python_file("raw_xlsx(OUT, '" + inline_row(1, {"phone"}) +
                                  "<row r=\"2\"><c r=\"A2\"><v>1</c></row>')");
    const auto r = read(book);
    EXPECT_EQ(r.last, RecordReader::Status::error);
    EXPECT_EQ(r.records.size(), 1u);
    EXPECT_EQ(r.error_line, 2u);
    EXPECT_EQ(r.error, "the workbook is damaged: xl/worksheets/sheet1.xml has broken XML "
                       "(mismatched tag at line 2)");
}

TEST(CoreXlsxValues, numbers_as_typed) {
    using kibaru::core::number_text;
    EXPECT_EQ(number_text("76123456"), "76123456");
    EXPECT_EQ(number_text("2.2376123456E10"), "22376123456");
    EXPECT_EQ(number_text("1250.5"), "1250.5");
    EXPECT_EQ(number_text("1250.4999999999998"), "1250.5");
    EXPECT_EQ(number_text("-12"), "-12");
    EXPECT_EQ(number_text("1E-3"), "0.001");
    EXPECT_EQ(number_text("n/a"), "n/a");
}

TEST(CoreXlsxValues, date_formats_from_their_codes) {
    using kibaru::core::number_format_of_code;
    EXPECT_EQ(number_format_of_code("dd/mm/yyyy"), NumberFormat::date);
    EXPECT_EQ(number_format_of_code("mmm-yy"), NumberFormat::date);
    EXPECT_EQ(number_format_of_code("h:mm AM/PM"), NumberFormat::time);
    EXPECT_EQ(number_format_of_code("[h]:mm:ss"), NumberFormat::time);
    EXPECT_EQ(number_format_of_code("mm:ss"), NumberFormat::time) << "m next to s: minutes";
    EXPECT_EQ(number_format_of_code("yyyy-mm-dd h:mm:ss"), NumberFormat::date_time);
    EXPECT_EQ(number_format_of_code("#,##0 \"FCFA/kg\""), NumberFormat::number);
    EXPECT_EQ(number_format_of_code("[Red]0.00;[$-40C]0"), NumberFormat::number);
    EXPECT_EQ(number_format_of_code("0\\ \\d"), NumberFormat::number) << "an escaped d";
    EXPECT_EQ(number_format_of_code("General"), NumberFormat::number);
    EXPECT_EQ(kibaru::core::builtin_number_format(14), NumberFormat::date);
    EXPECT_EQ(kibaru::core::builtin_number_format(22), NumberFormat::date_time);
    EXPECT_EQ(kibaru::core::builtin_number_format(2), NumberFormat::number);
}

TEST(CoreXlsxValues, column_letters) {
    using kibaru::core::column_index;
    EXPECT_EQ(column_index("A1"), 0);
    EXPECT_EQ(column_index("C5"), 2);
    EXPECT_EQ(column_index("AA10"), 26);
    EXPECT_EQ(column_index("XFD1048576"), 16383);
    EXPECT_EQ(column_index("ABCD1"), -1);
    EXPECT_EQ(column_index("12"), -1);
}
