// Contacts: opting a phone out or back in, and the rows contacts are listed as (the CLI's
// `contacts list|export` and the API's pages share them, so their JSON is the same).
#pragma once

#include "core/numbering_plan.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/contacts_repo.hpp"
#include "util/rows.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::ops {

struct StatusChange {
    std::string phone; // E.164
    std::string previous;
    std::string status; // equal to `previous` when nothing changed
};

// Sets the status ("active" or "opted_out") of the contact with `raw_phone` (any usual
// writing), records it in the contact's history with `source` ("cli", "api", "inbound"), and
// audits the change with `details` added. Setting the status it has changes nothing.
// Fails: invalid (phone), not_found.
Result<StatusChange> set_contact_status(const Env& env, const std::string& raw_phone,
                                        const std::string& status, const std::string& source,
                                        const nlohmann::json& details = nlohmann::json::object());

// The same inside the caller's transaction, for a contact whose E.164 `phone` is known (STOP and
// START texted in, with the other messages of their batch): the status, its history row and,
// when it changes, the audit entry. Returns the previous status; nullopt when no contact has
// `phone`.
std::optional<std::string> change_contact_status(const Env& env, const std::string& phone,
                                                 const std::string& status,
                                                 const std::string& source,
                                                 const nlohmann::json& details);

// The columns contacts are listed in: the import columns and status (and, for exports,
// created_at and updated_at), then the operator holding the number ("" when the numbering
// plan does not know it); the cells of one contact in that order.
std::vector<std::string> contact_columns(bool with_dates);
std::vector<util::Json> contact_cells(const store::ContactRow& row, bool with_dates,
                                      const core::NumberingPlan& plan);

struct ContactsPage {
    std::vector<store::ContactRow> contacts;
    std::optional<std::int64_t> next; // pass as `after` for the next page; none at the end
};

// At most `limit` (1 to 500) contacts matching `filter` whose id is above `after`, by id.
Result<ContactsPage> contacts_page(const Env& env, const store::ContactFilter& filter,
                                   std::int64_t after, int limit);
util::Json contacts_page_json(const Env& env, const ContactsPage& page);

// The E.164 form of `raw` with the configured region, or invalid naming `field`, its message
// `<label>"<raw>" <why>` (label such as "phone " or "--phone: ").
Result<std::string> normalize_phone(const Env& env, const std::string& raw,
                                    const std::string& field, const std::string& label);

} // namespace kibaru::ops
