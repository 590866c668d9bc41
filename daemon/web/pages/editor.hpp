// Shared by the weekly message editor's pages (editor.cpp) and its actions beside the text
// (editor_actions.cpp): what a refused form keeps, and the editor page itself.
#pragma once

#include "web/pages/page.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kibaru::web::pages {

struct EditorState {
    std::string language; // the one whose form was refused, if any
    std::string text;     // what was typed there
    std::vector<FieldError> errors;
    std::string notice;
    std::string test_phone;    // what was typed in the test send's form
    std::string test_language; // and the language chosen there
};

// The editor of campaign `id`'s week `week`, with what `state` keeps of a refused form.
void render_editor(const Page& page, std::int64_t id, int week, const EditorState& state,
                   int status);

// The campaign id and week of an editor path (/campaigns/{id}/weeks/{week}...), when numbers.
std::optional<std::pair<std::int64_t, int>> id_and_week(const ApiCall& call);

} // namespace kibaru::web::pages
