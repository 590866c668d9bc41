#include "core/csv.hpp"

#include "core/utf8.hpp"

#include <istream>

namespace kibaru::core {

char detect_separator(std::string_view header_line) {
    std::size_t commas = 0;
    std::size_t semicolons = 0;
    std::size_t tabs = 0;
    bool quoted = false;
    for (const char c : header_line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == '\n' && !quoted) {
            break;
        } else if (!quoted) {
            commas += c == ',';
            semicolons += c == ';';
            tabs += c == '\t';
        }
    }
    if (semicolons > commas && semicolons >= tabs) {
        return ';';
    }
    if (tabs > commas && tabs > semicolons) {
        return '\t';
    }
    return ',';
}

std::string_view separator_name(char separator) {
    return separator == ';' ? "semicolon" : separator == '\t' ? "tab" : "comma";
}

CsvReader::CsvReader(std::istream& in, std::size_t max_record_bytes, char separator,
                     bool windows1252)
    : m_in(in), m_max_record(max_record_bytes), m_buf(1u << 16), m_separator(separator),
      m_windows1252(windows1252) {}

int CsvReader::peek() {
    if (m_pos == m_len) {
        m_in.read(m_buf.data(), static_cast<std::streamsize>(m_buf.size()));
        m_len = static_cast<std::size_t>(m_in.gcount());
        m_pos = 0;
        if (m_len == 0) {
            return -1;
        }
    }
    return static_cast<unsigned char>(m_buf[m_pos]);
}

int CsvReader::get() {
    const int c = peek();
    if (c >= 0) {
        ++m_pos;
        ++m_consumed;
    }
    return c;
}

CsvReader::Status CsvReader::next(CsvRecord& record) {
    if (!m_error.empty()) {
        return Status::error;
    }
    if (!m_started) {
        m_started = true;
        // A UTF-8 byte order mark, as Excel writes it, is not part of the first column name.
        // The first read fills the buffer (up to 64 KiB), so the three bytes are all there. A
        // file that starts with 0xEF but no BOM starts with a character from U+F000-U+FFFF,
        // read as data (found by tests/fuzz/fuzz_csv: such files were refused as not UTF-8).
        if (peek() == 0xEF && m_len - m_pos >= 3 && m_buf[m_pos + 1] == '\xBB' &&
            m_buf[m_pos + 2] == '\xBF') {
            get();
            get();
            get();
        }
        if (m_separator == k_detect) {
            // The header line is in the first buffer (64 KiB) but for absurd headers.
            peek();
            m_separator = detect_separator(std::string_view(m_buf.data() + m_pos, m_len - m_pos));
        }
    }
    auto fail = [&](std::string_view code, std::vector<std::string> args, std::string message,
                    std::size_t line) {
        m_error = std::move(message);
        m_why = {code, std::move(args)};
        m_error_line = line;
        return Status::error;
    };
    auto max_mib = [this] { return std::to_string(m_max_record >> 20); };

    for (;;) {
        std::size_t used = 0; // fields in use; their strings keep capacity between records
        std::size_t bytes = 0;
        record.line = m_line;
        record.invalid_utf8_field = -1;
        bool any_quote = false; // a quoted empty field is data, not a blank line
        int c = peek();
        if (c < 0) {
            return Status::end;
        }
        auto start_field = [&]() -> std::string& {
            if (used == record.fields.size()) {
                record.fields.emplace_back();
            }
            std::string& f = record.fields[used++];
            f.clear();
            return f;
        };
        std::string* field = &start_field();
        bool end_of_record = false;
        while (!end_of_record) {
            c = get();
            if (c < 0) {
                break;
            }
            if (++bytes > m_max_record) {
                return fail("file_record_too_long", {max_mib()},
                            "record is longer than " + max_mib() +
                                " MiB (is a closing quote missing?)",
                            record.line);
            }
            if (c == m_separator) {
                field = &start_field();
                continue;
            }
            switch (c) {
            case '\r':
                if (peek() == '\n') {
                    get();
                }
                ++m_line;
                end_of_record = true;
                break;
            case '\n':
                ++m_line;
                end_of_record = true;
                break;
            case '"': {
                if (!field->empty()) {
                    return fail("file_quote_inside_field", {},
                                "a quote inside an unquoted field (quote the whole field and "
                                "double the inner quote)",
                                m_line);
                }
                any_quote = true;
                const std::size_t opened_at = m_line;
                for (;;) {
                    const int q = get();
                    if (q < 0) {
                        return fail("file_quote_never_closed", {},
                                    "quoted field opened here is never closed", opened_at);
                    }
                    if (++bytes > m_max_record) {
                        return fail("file_quoted_too_long", {max_mib()},
                                    "quoted field opened here is longer than " + max_mib() +
                                        " MiB (is a closing quote missing?)",
                                    opened_at);
                    }
                    if (q == '"') {
                        if (peek() == '"') {
                            get();
                            field->push_back('"');
                            continue;
                        }
                        break;
                    }
                    if (q == '\n' || (q == '\r' && peek() != '\n')) {
                        ++m_line;
                    }
                    field->push_back(static_cast<char>(q));
                }
                const int after = peek();
                if (after != m_separator && after != '\n' && after != '\r' && after >= 0) {
                    return fail("file_text_after_quote", {}, "text after a closing quote", m_line);
                }
                break;
            }
            default:
                field->push_back(static_cast<char>(c));
            }
        }
        bool blank = true;
        for (std::size_t i = 0; i < used && blank; ++i) {
            blank = !any_quote && trim(record.fields[i]).empty();
        }
        if (blank) {
            if (c < 0) {
                return Status::end;
            }
            continue; // blank line, or only commas and spaces
        }
        record.fields.resize(used);
        record.windows1252 = false;
        for (std::size_t i = 0; i < used; ++i) {
            if (!is_valid_utf8(record.fields[i])) {
                record.invalid_utf8_field = static_cast<int>(i);
                break;
            }
        }
        if (record.invalid_utf8_field >= 0 && m_windows1252) {
            // Not UTF-8: Excel's "CSV" on a French Windows, in its code page. Every field of
            // the record is read so (the ASCII ones are the same in both).
            for (auto& f : record.fields) {
                f = windows1252_to_utf8(f);
            }
            record.invalid_utf8_field = -1;
            record.windows1252 = true;
            ++m_windows1252_records;
        }
        return Status::record;
    }
}

void append_csv_field(std::string& out, std::string_view field, char separator) {
    // A field starting with a byte-order mark is quoted too: written first in a file, it would
    // otherwise be read back as the file's BOM and lose it (found by tests/fuzz/fuzz_csv).
    const char special[] = {separator, '"', '\r', '\n', '\0'};
    if (field.find_first_of(special) == std::string_view::npos &&
        !field.starts_with("\xEF\xBB\xBF")) {
        out.append(field);
        return;
    }
    out.push_back('"');
    for (const char c : field) {
        if (c == '"') {
            out.push_back('"');
        }
        out.push_back(c);
    }
    out.push_back('"');
}

std::string csv_line(std::span<const std::string> fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) {
            out.push_back(',');
        }
        append_csv_field(out, fields[i]);
    }
    out.push_back('\n');
    return out;
}

} // namespace kibaru::core
