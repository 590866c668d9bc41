#include "web/pages/widgets.hpp"

#include <array>

namespace kibaru::web::pages {

using html::tag;
using html::text;

std::int64_t count_of(const store::WeekCounts& counts, core::DeliveryState state) {
    const auto it = counts.by_state.find(state);
    return it == counts.by_state.end() ? 0 : it->second;
}

namespace {

// The states a week's bar shows, in its order.
constexpr std::array<core::DeliveryState, 5> k_bar_states = {
    core::DeliveryState::delivered, core::DeliveryState::sent, core::DeliveryState::failed,
    core::DeliveryState::expired, core::DeliveryState::unknown};

std::string words_key(core::DeliveryState state) {
    return "state." + std::string(core::to_string(state));
}

} // namespace

Html progress_bar(const Page& page, const store::WeekCounts& counts) {
    const double total = static_cast<double>(std::max<std::int64_t>(counts.targeted, 1));
    Html rects;
    double x = 0;
    for (const auto state : k_bar_states) {
        const double width = 100.0 * static_cast<double>(count_of(counts, state)) / total;
        if (width <= 0) {
            continue;
        }
        rects += tag("rect",
                     {{"class", "bar-" + std::string(core::to_string(state))},
                      {"x", std::to_string(x) + "%"},
                      {"y", "0"},
                      {"width", std::to_string(width) + "%"},
                      {"height", "14"}},
                     tag("title", {},
                         text(page.t(words_key(state)) + ": " +
                              number(count_of(counts, state), page.lang))));
        x += width;
    }
    return tag("svg",
               {{"class", "bar"},
                {"width", "100%"},
                {"height", "14"},
                {"role", "img"},
                {"aria-label", page.t("overview.progress")}},
               tag("rect", {{"x", "0"},
                            {"y", "0"},
                            {"width", "100%"},
                            {"height", "14"},
                            {"fill", "#ffffff"},
                            {"stroke", "#d6d3cc"}}) +
                   rects);
}

Html progress_words(const Page& page, const store::WeekCounts& counts) {
    std::string words = number(counts.targeted, page.lang) + " " + page.t("overview.targeted");
    for (const auto state : k_bar_states) {
        words +=
            " · " + number(count_of(counts, state), page.lang) + " " + page.t(words_key(state));
    }
    return tag("p", {}, text(words));
}

} // namespace kibaru::web::pages
