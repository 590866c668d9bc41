// Message templates on arbitrary text. Properties: rendering never crashes; filling with nothing
// changes nothing; a first stage (the data values, when a message is saved) is again a valid
// template, and finishing it (the contact's values, when it is sent) gives exactly what
// rendering in one go gives, whatever braces the text and the values hold.
#include "core/message_template.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

using kibaru::core::fill_template;
using kibaru::core::render_template;
using kibaru::core::template_placeholders;
using kibaru::core::TemplateValues;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto names = template_placeholders(text);
    if (!names) {
        return 0;
    }
    // Values that themselves look like template syntax: they must come out literally.
    TemplateValues first;
    TemplateValues second;
    TemplateValues all;
    for (std::size_t i = 0; i < names->size(); ++i) {
        const std::string& name = (*names)[i];
        std::string value = "<" + name + (i % 3 == 0 ? "{}" : i % 3 == 1 ? "}}{" : "") + ">";
        (i % 2 == 0 ? first : second).emplace_back(name, value);
        all.emplace_back(name, value);
    }
    const std::string once = render_template(text, all);
    FUZZ_CHECK(fill_template(text, {}) == text);
    const std::string stage1 = fill_template(text, first);
    FUZZ_CHECK(template_placeholders(stage1).ok()); // a partial render is a template
    const std::string twice = render_template(stage1, second);
    FUZZ_CHECK(once == twice);
    return 0;
}
