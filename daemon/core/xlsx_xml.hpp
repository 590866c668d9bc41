// One XML part of a workbook, parsed with expat while it is inflated, so that a sheet of a
// million rows is never whole in memory. The parser is set up for files from anyone: a DOCTYPE
// (the only way to declare entities, hence to mount a billion-laughs attack or reach an external
// entity) is refused, nesting is bounded, and so is the size of any one tag.
#pragma once

#include "core/xlsx_zip.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct XML_ParserStruct;

namespace kibaru::core {

// The value of the attribute `local` in no namespace (`r`, `t`, `s`), or "" when absent.
std::string_view xml_attribute(const char** attributes, std::string_view local);
// The value of the attribute `local` in any namespace (`r:id`), or "" when absent.
std::string_view xml_qualified_attribute(const char** attributes, std::string_view local);

class XmlPart {
public:
    // Element names reach the handler without their namespace ("row", "c"): workbooks written
    // in the transitional and the strict schemas read alike.
    class Handler {
    public:
        virtual ~Handler() = default;
        virtual void start(XmlPart& part, std::string_view name, const char** attributes) = 0;
        virtual void end(XmlPart& part, std::string_view name) = 0;
        virtual void text(XmlPart& /*part*/, std::string_view /*text*/) {}
    };

    enum class Step {
        paused, // a handler called pause(): step() again to go on
        more,   // a chunk was parsed: step() again
        done,   // the end of the part, or a handler called finish()
        failed, // error() says why
    };

    // `max_tag_bytes` bounds what expat must hold at once (a tag and its attributes).
    XmlPart(ZipEntry entry, Handler& handler, std::size_t max_tag_bytes);
    ~XmlPart();
    XmlPart(const XmlPart&) = delete;
    XmlPart& operator=(const XmlPart&) = delete;

    // Resumes after a pause, or inflates and parses the next chunk.
    Step step();
    // Steps until done or failed (for parts read whole: the workbook, styles, strings).
    Step run();

    // For handlers: stop after this event and return `paused`; stop reading, returning `done`;
    // or stop with an error.
    void pause();
    void finish();
    void fail(std::string message);

    const std::string& error() const { return m_error; }
    const ZipEntry& entry() const { return m_entry; }

private:
    static void on_start(void* self, const char* name, const char** attributes);
    static void on_end(void* self, const char* name);
    static void on_text(void* self, const char* text, int length);
    static void on_doctype(void* self, const char* name, const char* system_id,
                           const char* public_id, int has_internal_subset);
    Step after(int status);

    ZipEntry m_entry;
    Handler& m_handler;
    std::size_t m_max_tag;
    XML_ParserStruct* m_parser;
    std::size_t m_depth = 0;
    std::uint64_t m_fed = 0;
    bool m_suspended = false;
    bool m_final = false;
    bool m_finished = false;
    std::string m_error;
};

} // namespace kibaru::core
