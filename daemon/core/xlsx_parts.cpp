#include "core/xlsx_parts.hpp"

#include "core/xlsx_xml.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <utility>

namespace kibaru::core {

namespace {

// Far more sheets, relationships or styles than any workbook has (Excel allows 64,000 styles),
// few enough that a hostile part cannot make us hold millions of them.
constexpr std::size_t k_max_items = 1u << 16;

std::string too_many(const std::string& part, const char* what) {
    return part + ": more than " + std::to_string(k_max_items) + " " + what + ": refused";
}

// Reads `part` whole through `handler`: what went wrong, if anything.
std::optional<Error> parse(Zip& zip, const std::string& part, XmlPart::Handler& handler,
                           std::size_t max_tag_bytes) {
    auto entry = zip.open_entry(part);
    if (!entry) {
        return entry.error();
    }
    XmlPart xml(std::move(*entry), handler, max_tag_bytes);
    if (xml.run() == XmlPart::Step::failed) {
        return Error{xml.error()};
    }
    return std::nullopt;
}

int parse_int(std::string_view text, int fallback) {
    int value = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    return r.ec == std::errc{} && r.ptr == text.data() + text.size() ? value : fallback;
}

// A relationship's target as a part name: relative to xl/ unless it starts with "/", with "."
// and ".." segments resolved.
std::string resolve(std::string_view target) {
    std::string path =
        target.starts_with('/') ? std::string(target.substr(1)) : "xl/" + std::string(target);
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) {
            slash = path.size();
        }
        const std::string segment = path.substr(start, slash - start);
        if (segment == "..") {
            if (!segments.empty()) {
                segments.pop_back();
            }
        } else if (!segment.empty() && segment != ".") {
            segments.push_back(segment);
        }
        start = slash + 1;
    }
    std::string out;
    for (const auto& s : segments) {
        out += (out.empty() ? "" : "/") + s;
    }
    return out;
}

struct Sheet {
    std::string relationship;
    bool hidden = false;
};

class WorkbookHandler final : public XmlPart::Handler {
public:
    void start(XmlPart& part, std::string_view name, const char** attributes) override {
        if (name == "workbookPr") {
            const auto v = xml_attribute(attributes, "date1904");
            date1904 = v == "1" || v == "true";
        } else if (name == "sheet") {
            if (sheets.size() == k_max_items) {
                return part.fail(too_many(part.entry().name(), "sheets"));
            }
            const auto state = xml_attribute(attributes, "state");
            sheets.push_back({std::string(xml_qualified_attribute(attributes, "id")),
                              state == "hidden" || state == "veryHidden"});
        }
    }
    void end(XmlPart& /*part*/, std::string_view /*name*/) override {}

    bool date1904 = false;
    std::vector<Sheet> sheets;
};

struct Relationship {
    std::string type; // the last segment of its type URI: "worksheet", "styles"...
    std::string part;
};

class RelationshipsHandler final : public XmlPart::Handler {
public:
    void start(XmlPart& part, std::string_view name, const char** attributes) override {
        if (name != "Relationship" || xml_attribute(attributes, "TargetMode") == "External") {
            return;
        }
        if (relationships.size() == k_max_items) {
            return part.fail(too_many(part.entry().name(), "relationships"));
        }
        const auto type = xml_attribute(attributes, "Type");
        relationships[std::string(xml_attribute(attributes, "Id"))] = {
            std::string(type.substr(type.rfind('/') + 1)),
            resolve(xml_attribute(attributes, "Target"))};
    }
    void end(XmlPart& /*part*/, std::string_view /*name*/) override {}

    std::map<std::string, Relationship> relationships;
};

class StylesHandler final : public XmlPart::Handler {
public:
    void start(XmlPart& part, std::string_view name, const char** attributes) override {
        if (name == "numFmt") {
            if (codes.size() == k_max_items) {
                return part.fail(too_many(part.entry().name(), "number formats"));
            }
            codes[parse_int(xml_attribute(attributes, "numFmtId"), -1)] =
                number_format_of_code(xml_attribute(attributes, "formatCode"));
        } else if (name == "cellXfs") {
            in_cell_xfs = true;
        } else if (name == "xf" && in_cell_xfs) { // not the cellStyleXfs ones
            if (ids.size() == k_max_items) {
                return part.fail(too_many(part.entry().name(), "cell styles"));
            }
            ids.push_back(parse_int(xml_attribute(attributes, "numFmtId"), 0));
        }
    }
    void end(XmlPart& /*part*/, std::string_view name) override {
        if (name == "cellXfs") {
            in_cell_xfs = false;
        }
    }

    // numFmts come before cellXfs in the schema, but the ids are resolved at the end anyway.
    std::vector<NumberFormat> resolve_formats() {
        for (const int id : ids) {
            const auto custom = codes.find(id);
            formats.push_back(custom != codes.end() ? custom->second : builtin_number_format(id));
        }
        return std::move(formats);
    }

    std::map<int, NumberFormat> codes;
    std::vector<int> ids;
    std::vector<NumberFormat> formats;
    bool in_cell_xfs = false;
};

class SharedStringsHandler final : public XmlPart::Handler {
public:
    explicit SharedStringsHandler(const SharedStringLimits& limits) : m_limits(limits) {}

    void start(XmlPart& /*part*/, std::string_view name, const char** attributes) override {
        if (name == "si") {
            m_current.clear();
        } else if (name == "t") {
            m_in_text = m_phonetic == 0;
        } else if (name == "rPh") {
            ++m_phonetic;
        } else if (name == "sst") {
            // A hint (it may lie): room for the ends, bounded by the limit.
            const auto count = static_cast<std::size_t>(
                std::max(0, parse_int(xml_attribute(attributes, "uniqueCount"), 0)));
            strings.reserve(std::min(count, m_limits.max_count));
        }
    }

    void end(XmlPart& part, std::string_view name) override {
        if (name == "t") {
            m_in_text = false;
        } else if (name == "rPh") {
            m_phonetic -= m_phonetic > 0 ? 1 : 0;
        } else if (name == "si") {
            if (strings.size() == m_limits.max_count) {
                return part.fail("the workbook has more than " +
                                 std::to_string(m_limits.max_count) + " different texts: refused");
            }
            const std::string text = unescape_xstring(std::move(m_current));
            m_current.clear();
            if (strings.bytes() + text.size() > m_limits.max_bytes) {
                return part.fail("the workbook's texts take more than " +
                                 size_text(m_limits.max_bytes) + ": refused");
            }
            strings.add(text);
        }
    }

    void text(XmlPart& part, std::string_view text) override {
        if (!m_in_text) {
            return;
        }
        if (m_current.size() + text.size() > m_limits.max_string) {
            return part.fail("the workbook holds a text longer than " +
                             size_text(m_limits.max_string) + ": refused");
        }
        m_current += text;
    }

    SharedStrings strings;

private:
    const SharedStringLimits& m_limits;
    std::string m_current;
    bool m_in_text = false;
    int m_phonetic = 0;
};

} // namespace

Result<WorkbookParts> read_workbook_parts(Zip& zip, std::size_t max_tag_bytes) {
    const std::string workbook_part = "xl/workbook.xml";
    if (!zip.has(workbook_part)) {
        if (zip.has("mimetype") && zip.has("content.xml")) {
            return Error{"is an OpenDocument spreadsheet (.ods), not an .xlsx workbook: save it "
                         "as .xlsx or as CSV"};
        }
        return Error{"is a zip archive but not an .xlsx workbook (it has no xl/workbook.xml)"};
    }
    WorkbookHandler workbook;
    if (auto error = parse(zip, workbook_part, workbook, max_tag_bytes)) {
        return *error;
    }
    RelationshipsHandler rels;
    const std::string rels_part = "xl/_rels/workbook.xml.rels";
    if (zip.has(rels_part)) {
        if (auto error = parse(zip, rels_part, rels, max_tag_bytes)) {
            return *error;
        }
    }

    WorkbookParts parts;
    parts.date1904 = workbook.date1904;
    auto worksheet = [&](const Sheet& sheet) -> std::string {
        const auto r = rels.relationships.find(sheet.relationship);
        return r != rels.relationships.end() && r->second.type == "worksheet" &&
                       zip.has(r->second.part)
                   ? r->second.part
                   : "";
    };
    // The first tab staff see; a hidden one only when every worksheet is hidden.
    for (const bool hidden_too : {false, true}) {
        for (const auto& sheet : workbook.sheets) {
            if (parts.sheet.empty() && (hidden_too || !sheet.hidden)) {
                parts.sheet = worksheet(sheet);
            }
        }
    }
    if (parts.sheet.empty() && zip.has("xl/worksheets/sheet1.xml")) {
        parts.sheet = "xl/worksheets/sheet1.xml";
    }
    if (parts.sheet.empty()) {
        return Error{"the workbook has no worksheet"};
    }
    auto part_of_type = [&](const char* type, const char* usual) -> std::string {
        for (const auto& [id, r] : rels.relationships) {
            if (r.type == type && zip.has(r.part)) {
                return r.part;
            }
        }
        return zip.has(usual) ? usual : "";
    };
    parts.shared_strings = part_of_type("sharedStrings", "xl/sharedStrings.xml");
    parts.styles = part_of_type("styles", "xl/styles.xml");
    return parts;
}

Result<std::vector<NumberFormat>> read_cell_formats(Zip& zip, const std::string& part,
                                                    std::size_t max_tag_bytes) {
    StylesHandler styles;
    if (auto error = parse(zip, part, styles, max_tag_bytes)) {
        return *error;
    }
    return styles.resolve_formats();
}

Result<SharedStrings> read_shared_strings(Zip& zip, const std::string& part,
                                          const SharedStringLimits& limits) {
    SharedStringsHandler handler(limits);
    if (auto error = parse(zip, part, handler, limits.max_string + (64u << 10))) {
        return *error;
    }
    return std::move(handler.strings);
}

} // namespace kibaru::core
