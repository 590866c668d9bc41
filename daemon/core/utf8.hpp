// UTF-8 helpers: validation (the CSV reader, words from gateways) and display width (tables).
// Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kibaru::core {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with every byte that starts no well-formed sequence replaced by U+FFFD: for words from
// outside (a gateway's reply, a delivery report's reason) before they go into JSON, which
// refuses to write invalid UTF-8, or into the database.
std::string to_valid_utf8(std::string text);

// Decodes the code point of valid UTF-8 starting at `i` and moves `i` past it.
char32_t next_code_point(std::string_view text, std::size_t& i);

// Appends `cp` encoded as UTF-8.
void append_utf8(std::string& out, char32_t cp);

// Number of code points; a fair stand-in for terminal columns with Latin and Bambara text.
std::size_t utf8_length(std::string_view text);

// The first `max_chars` code points of `text`, with "…" appended when something was cut.
std::string utf8_prefix(std::string_view text, std::size_t max_chars);

// `text` with ASCII letters lower-cased (names, codes and keywords; other letters unchanged).
std::string ascii_lower(std::string_view text);

// Windows-1252 (what Excel on a French Windows saves as "CSV") to UTF-8. The five bytes the
// code page leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) become U+FFFD.
std::string windows1252_to_utf8(std::string_view text);

// Trims ASCII white space (and U+00A0, which spreadsheets leave behind) from both ends.
std::string_view trim(std::string_view text);

} // namespace kibaru::core
