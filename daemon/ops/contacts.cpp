#include "ops/contacts.hpp"

#include "core/contact.hpp"
#include "core/phone.hpp"
#include "ops/audit_trail.hpp"
#include "ops/unknown.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>

namespace kibaru::ops {

Result<std::string> normalize_phone(const Env& env, const std::string& raw,
                                    const std::string& field, const std::string& label) {
    const auto phones = core::phone_normalizer(env.config.contacts);
    core::Refusal why;
    auto phone = phones.any_e164(raw, &why);
    if (!phone) {
        // The sentences of phone refusals quote the number as typed first, as an import's do.
        why.args.insert(why.args.begin(), raw);
        return with_why(invalid(label + "\"" + raw + "\" " + phone.error().message, field),
                        std::move(why));
    }
    return *phone;
}

Result<StatusChange> set_contact_status(const Env& env, const std::string& raw_phone,
                                        const std::string& status, const std::string& source,
                                        const nlohmann::json& details) {
    auto phone = normalize_phone(env, raw_phone, "phone", "phone ");
    if (!phone) {
        return phone.error();
    }
    store::Transaction tx(env.db);
    const auto previous = change_contact_status(env, *phone, status, source, details);
    if (!previous) {
        return unknown_contact(*phone);
    }
    tx.commit();
    if (*previous != status) {
        spdlog::info("contact {} is now {} (was {})", *phone, status, *previous);
    }
    return StatusChange{*phone, *previous, status};
}

std::optional<std::string> change_contact_status(const Env& env, const std::string& phone,
                                                 const std::string& status,
                                                 const std::string& source,
                                                 const nlohmann::json& details) {
    auto previous = store::ContactsRepo(env.db).set_status(phone, status, env.now_text(), source,
                                                           env.actor.name);
    if (previous && *previous != status) {
        nlohmann::json audited = {{"from", *previous}, {"to", status}};
        audited.update(details);
        record(env, status == "opted_out" ? "contacts.optout" : "contacts.optin", phone, audited);
    }
    return previous;
}

std::vector<std::string> contact_columns(bool with_dates) {
    std::vector<std::string> columns(core::k_contact_columns.begin(),
                                     core::k_contact_columns.end());
    columns.emplace_back("status");
    if (with_dates) {
        columns.emplace_back("created_at");
        columns.emplace_back("updated_at");
    }
    columns.emplace_back("operator");
    return columns;
}

std::vector<util::Json> contact_cells(const store::ContactRow& row, bool with_dates,
                                      const core::NumberingPlan& plan) {
    const auto& c = row.contact;
    std::vector<util::Json> cells = {c.phone,       c.name,     c.organisation, c.kind,    c.region,
                                     c.commodities, c.language, c.tags,         row.status};
    if (with_dates) {
        cells.emplace_back(row.created_at);
        cells.emplace_back(row.updated_at);
    }
    cells.emplace_back(std::string(plan.operator_of(c.phone)));
    return cells;
}

Result<ContactsPage> contacts_page(const Env& env, const store::ContactFilter& filter,
                                   std::int64_t after, int limit) {
    if (limit < 1 || limit > 500) {
        return invalid("limit must be between 1 and 500", "limit");
    }
    if (filter.status && *filter.status != "active" && *filter.status != "opted_out") {
        return invalid("status must be active or opted_out", "status");
    }
    ContactsPage page;
    // One more than asked: whether a next page exists, without a count over the table.
    store::ContactsRepo(env.db).page(filter, after, limit + 1, [&](const store::ContactRow& row) {
        page.contacts.push_back(row);
    });
    if (static_cast<int>(page.contacts.size()) > limit) {
        page.contacts.pop_back();
        page.next = page.contacts.back().id;
    }
    return page;
}

util::Json contacts_page_json(const Env& env, const ContactsPage& page) {
    const auto columns = contact_columns(false);
    const auto plan = core::numbering_plan(env.config.contacts);
    util::Json contacts = util::Json::array();
    for (const auto& row : page.contacts) {
        util::Json object = util::Json::object();
        const auto cells = contact_cells(row, false, plan);
        for (std::size_t i = 0; i < columns.size(); ++i) {
            object[columns[i]] = cells[i];
        }
        contacts.push_back(std::move(object));
    }
    util::Json out = {{"contacts", std::move(contacts)}};
    out["next"] = page.next ? util::Json(std::to_string(*page.next)) : util::Json(nullptr);
    return out;
}

} // namespace kibaru::ops
