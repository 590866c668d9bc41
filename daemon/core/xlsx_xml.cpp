#include "core/xlsx_xml.hpp"

#include <expat.h>

#include <new>
#include <utility>

namespace kibaru::core {

namespace {

// Namespace URIs and local names are joined by a space, which neither may contain.
constexpr char k_separator = ' ';
constexpr int k_chunk = 64 << 10;
// Workbook parts nest a handful of levels (worksheet, sheetData, row, c, is, r, t); a hostile
// part nesting millions would cost expat memory for each level.
constexpr std::size_t k_max_depth = 64;

std::string_view local_name(std::string_view name) {
    const auto space = name.rfind(k_separator);
    return space == std::string_view::npos ? name : name.substr(space + 1);
}

} // namespace

std::string_view xml_attribute(const char** attributes, std::string_view local) {
    for (std::size_t i = 0; attributes[i] != nullptr; i += 2) {
        const std::string_view name = attributes[i];
        if (name == local) {
            return attributes[i + 1];
        }
    }
    return {};
}

std::string_view xml_qualified_attribute(const char** attributes, std::string_view local) {
    for (std::size_t i = 0; attributes[i] != nullptr; i += 2) {
        const std::string_view name = attributes[i];
        if (name.find(k_separator) != std::string_view::npos && local_name(name) == local) {
            return attributes[i + 1];
        }
    }
    return {};
}

XmlPart::XmlPart(ZipEntry entry, Handler& handler, std::size_t max_tag_bytes)
    : m_entry(std::move(entry)), m_handler(handler), m_max_tag(max_tag_bytes),
      m_parser(XML_ParserCreateNS(nullptr, k_separator)) {
    if (m_parser == nullptr) {
        throw std::bad_alloc();
    }
    XML_SetUserData(m_parser, this);
    XML_SetElementHandler(m_parser, on_start, on_end);
    XML_SetCharacterDataHandler(m_parser, on_text);
    XML_SetStartDoctypeDeclHandler(m_parser, on_doctype);
    XML_SetParamEntityParsing(m_parser, XML_PARAM_ENTITY_PARSING_NEVER);
}

XmlPart::~XmlPart() {
    XML_ParserFree(m_parser);
}

void XmlPart::on_start(void* self, const char* name, const char** attributes) {
    auto& part = *static_cast<XmlPart*>(self);
    if (!part.m_error.empty() || part.m_finished) {
        return; // expat may still report an event or two after being stopped
    }
    if (++part.m_depth > k_max_depth) {
        return part.fail(part.m_entry.name() + ": elements nested more than " +
                         std::to_string(k_max_depth) + " deep: refused");
    }
    part.m_handler.start(part, local_name(name), attributes);
}

void XmlPart::on_end(void* self, const char* name) {
    auto& part = *static_cast<XmlPart*>(self);
    if (!part.m_error.empty() || part.m_finished) {
        return;
    }
    --part.m_depth;
    part.m_handler.end(part, local_name(name));
}

void XmlPart::on_text(void* self, const char* text, int length) {
    auto& part = *static_cast<XmlPart*>(self);
    if (!part.m_error.empty() || part.m_finished) {
        return;
    }
    part.m_handler.text(part, std::string_view(text, static_cast<std::size_t>(length)));
}

void XmlPart::on_doctype(void* self, const char* /*name*/, const char* /*system_id*/,
                         const char* /*public_id*/, int /*has_internal_subset*/) {
    auto& part = *static_cast<XmlPart*>(self);
    part.fail(part.m_entry.name() + ": has a DOCTYPE, which no workbook part has: refused");
}

void XmlPart::pause() {
    XML_StopParser(m_parser, XML_TRUE);
}

void XmlPart::finish() {
    m_finished = true;
    XML_StopParser(m_parser, XML_FALSE);
}

void XmlPart::fail(std::string message) {
    if (m_error.empty()) {
        m_error = std::move(message);
    }
    XML_StopParser(m_parser, XML_FALSE);
}

XmlPart::Step XmlPart::step() {
    if (!m_error.empty()) {
        return Step::failed;
    }
    if (m_finished) {
        return Step::done;
    }
    if (m_suspended) {
        m_suspended = false;
        return after(XML_ResumeParser(m_parser));
    }
    if (m_final) {
        return Step::done;
    }
    void* buffer = XML_GetBuffer(m_parser, k_chunk);
    if (buffer == nullptr) {
        throw std::bad_alloc();
    }
    auto got = m_entry.read(static_cast<char*>(buffer), k_chunk);
    if (!got) {
        m_error = got.error().message;
        return Step::failed;
    }
    m_final = *got == 0;
    m_fed += *got;
    return after(XML_ParseBuffer(m_parser, static_cast<int>(*got), m_final ? XML_TRUE : XML_FALSE));
}

XmlPart::Step XmlPart::after(int status) {
    if (status == XML_STATUS_ERROR) {
        if (m_error.empty() && m_finished) {
            return Step::done;
        }
        if (m_error.empty()) {
            m_error = "the workbook is damaged: " + m_entry.name() + " has broken XML (" +
                      XML_ErrorString(XML_GetErrorCode(m_parser)) + " at line " +
                      std::to_string(XML_GetCurrentLineNumber(m_parser)) + ")";
        }
        return Step::failed;
    }
    // What expat holds unparsed, beyond the last event, is an unfinished tag (or comment):
    // bounded, or one huge attribute would have it buffer the whole part.
    const XML_Index at = XML_GetCurrentByteIndex(m_parser);
    if (at >= 0 && m_fed - static_cast<std::uint64_t>(at) > m_max_tag) {
        m_error = m_entry.name() + ": a tag longer than " + size_text(m_max_tag) + ": refused";
        return Step::failed;
    }
    if (status == XML_STATUS_SUSPENDED) {
        m_suspended = true;
        return Step::paused;
    }
    return m_final ? Step::done : Step::more;
}

XmlPart::Step XmlPart::run() {
    for (;;) {
        const Step s = step();
        if (s == Step::done || s == Step::failed) {
            return s;
        }
    }
}

} // namespace kibaru::core
