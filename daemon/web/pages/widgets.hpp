// Small pieces several pages draw: a week's progress as a bar (SVG: no inline style, readable
// printed, every part named in its title and in the legend beside it).
#pragma once

#include "store/deliveries_repo.hpp"
#include "web/pages/page.hpp"

namespace kibaru::web::pages {

// delivered, sent (on its way), failed, expired, in doubt (unknown) of `counts.targeted`.
Html progress_bar(const Page& page, const store::WeekCounts& counts);
// The same numbers in words: "12 delivered · 3 on their way · ...".
Html progress_words(const Page& page, const store::WeekCounts& counts);
std::int64_t count_of(const store::WeekCounts& counts, core::DeliveryState state);

} // namespace kibaru::web::pages
