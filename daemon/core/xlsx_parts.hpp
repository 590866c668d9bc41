// The parts of a workbook read before its first sheet: which part that sheet is (xl/workbook.xml
// and its relationships), the number format behind each cell style (xl/styles.xml), and the
// table of texts that cells refer to by number (xl/sharedStrings.xml). Only that table can be
// large; it is held in one block of text and bounded.
#pragma once

#include "core/result.hpp"
#include "core/xlsx_values.hpp"
#include "core/xlsx_zip.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

struct WorkbookParts {
    std::string sheet;          // the first worksheet, e.g. "xl/worksheets/sheet1.xml"
    std::string shared_strings; // "" when the workbook has none
    std::string styles;         // "" when the workbook has none
    bool date1904 = false;      // serial 0 is 1904-01-01 (old Mac workbooks)
};

// The first visible worksheet, in tab order, and the parts that go with it. Fails when the zip
// is not a workbook (an OpenDocument file, another zip) or has no worksheet.
Result<WorkbookParts> read_workbook_parts(Zip& zip, std::size_t max_tag_bytes);

// The number format of each cell style: index it by a cell's `s` attribute.
Result<std::vector<NumberFormat>> read_cell_formats(Zip& zip, const std::string& part,
                                                    std::size_t max_tag_bytes);

class SharedStrings {
public:
    std::size_t size() const { return m_ends.size(); }
    std::string_view operator[](std::size_t i) const {
        const std::size_t begin = i == 0 ? 0 : m_ends[i - 1];
        return std::string_view(m_text).substr(begin, m_ends[i] - begin);
    }
    void add(std::string_view text) {
        m_text += text;
        m_ends.push_back(m_text.size());
    }
    std::size_t bytes() const { return m_text.size(); }
    void reserve(std::size_t count) { m_ends.reserve(count); }

private:
    std::string m_text;              // every string, end to end
    std::vector<std::size_t> m_ends; // where each ends in m_text
};

struct SharedStringLimits {
    std::size_t max_count;
    std::size_t max_bytes;  // all of them together
    std::size_t max_string; // one of them
};

// Rich text (runs of <r><t>) is read as its plain text; phonetic guides (<rPh>) are left out.
Result<SharedStrings> read_shared_strings(Zip& zip, const std::string& part,
                                          const SharedStringLimits& limits);

} // namespace kibaru::core
