#include "ops/inbound.hpp"

#include "core/callbacks.hpp"
#include "core/message_template.hpp"
#include "core/phone.hpp"
#include "core/sms.hpp"
#include "ops/audit_trail.hpp"
#include "ops/contacts.hpp"
#include "ops/prices.hpp"
#include "store/contacts_repo.hpp"
#include "store/replies_repo.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace kibaru::ops {

namespace {

// The key two posts of one message share: the gateway's message id, or without one the sender,
// the text and the minute it came.
std::string dedup_key(const IncomingSms& sms, const std::string& phone, const std::string& now) {
    if (!sms.gateway_message_id.empty()) {
        return "id:" + sms.gateway + ":" + sms.gateway_message_id;
    }
    return "text:" + phone + ":" + now.substr(0, 16) + ":" + sms.text;
}

// Stores the reply for the engine to send (inside the caller's transaction).
std::int64_t queue_reply(const Env& env, std::int64_t inbox_id, const std::string& phone,
                         const std::string& text, const std::string& kind,
                         const std::string& by = "kibaru") {
    const auto sms = core::prepare_sms(text, *core::parse_encoding_mode(env.config.sms.encoding));
    return store::RepliesRepo(env.db).enqueue(
        {inbox_id, phone, text, kind, sms ? sms->shape.segments : 1, by}, env.now_text());
}

// One incoming SMS, inside the caller's transaction. A duplicate writes nothing.
InboundResult handle_one(const Env& env, const core::PhoneNormalizer& phones,
                         const IncomingSms& sms) {
    InboundResult result;
    const auto& keywords = env.config.keywords;
    // A contact is found however the gateway wrote the number, even one the numbering plan no
    // longer calls a mobile (so that STOP always reaches its contact).
    auto e164 = phones.mobile_e164(sms.from);
    if (!e164) {
        e164 = phones.any_e164(sms.from);
    }
    result.phone = e164 ? *e164 : sms.from;
    const auto request = core::parse_sms_request(sms.text, keywords, env.config.inbound);
    result.intent = request.intent;
    const std::string now = env.now_text();

    store::ContactsRepo contacts(env.db);
    const auto contact = e164 ? contacts.find(*e164) : std::nullopt;
    result.contact = contact.has_value();
    store::InboxRow row;
    row.received_at = now;
    row.phone = result.phone;
    if (contact) {
        row.contact_id = contact->id;
    }
    row.text = sms.text;
    row.matched = std::string(core::intent_name(request.intent));
    row.detail = request.commodity + (request.market.empty() ? "" : " " + request.market);
    row.gateway = sms.gateway;
    row.gateway_message_id = sms.gateway_message_id;
    row.dedup_key = dedup_key(sms, result.phone, now);
    store::InboxRepo inbox(env.db);
    const auto id = inbox.insert(row);
    if (!id) {
        result.duplicate = true;
        result.detail = "already received";
        return result; // nothing was written
    }
    result.inbox_id = *id;
    const std::string language = contact ? contact->contact.language : "fr";
    const std::string today = now.substr(0, 10);
    // The texts of templates/replies.<lang>.txt, read once with the configuration; French for
    // a language or a reply without a text of its own.
    auto answer = [&](const std::string& kind, const core::TemplateValues& values) {
        result.reply = env.config.replies.render(language, kind, values);
    };

    switch (request.intent) {
    case core::Intent::stop:
    case core::Intent::start: {
        const bool stop = request.intent == core::Intent::stop;
        if (!contact && stop) {
            // A STOP from a mobile not yet listed is kept as a contact opted out, phone only:
            // a list imported later (which keeps opt-outs) must not send to it.
            if (const auto mobile = phones.mobile_e164(sms.from)) {
                core::Contact stranger;
                stranger.phone = *mobile;
                std::array<bool, core::k_contact_columns.size()> only_phone{};
                only_phone[0] = true;
                store::ContactUpserter(env.db, only_phone, now).upsert(stranger);
                change_contact_status(env, *mobile, "opted_out", "inbound",
                                      {{"source", "inbound sms"}, {"text", sms.text}});
                result.detail = "not a contact: kept as opted out, for a later import";
                break;
            }
        }
        if (!contact) {
            result.detail = "not a contact: nothing changed";
            break;
        }
        const std::string status = stop ? "opted_out" : "active";
        if (change_contact_status(env, contact->contact.phone, status, "inbound",
                                  {{"source", "inbound sms"}, {"text", sms.text}}) != status) {
            const auto& confirmation =
                stop ? env.config.inbound.stop_reply : env.config.inbound.start_reply;
            if (!confirmation.empty()) {
                result.reply = confirmation;
            }
            result.detail = stop ? "opted out" : "opted in";
        } else {
            result.detail = stop ? "already opted out" : "already active";
        }
        break;
    }
    case core::Intent::subscribe:
    case core::Intent::unsubscribe: {
        if (request.commodity.empty()) {
            answer("no_commodity", {});
            break;
        }
        if (!contact) {
            result.detail = "not a contact: nothing changed";
            break;
        }
        auto names = core::split_list(contact->contact.commodities);
        const bool subscribe = request.intent == core::Intent::subscribe;
        const auto at = std::find(names.begin(), names.end(), request.commodity);
        if (subscribe && at == names.end()) {
            names.push_back(request.commodity);
            std::sort(names.begin(), names.end());
        } else if (!subscribe && at != names.end()) {
            names.erase(at);
        }
        const auto joined = core::join_list(names);
        if (joined != contact->contact.commodities) {
            contacts.set_commodities(contact->id, joined, now);
            record(env, subscribe ? "contacts.subscribed" : "contacts.unsubscribed",
                   contact->contact.phone,
                   {{"commodity", request.commodity},
                    {"from", contact->contact.commodities},
                    {"to", joined},
                    {"source", "inbound sms"}});
        }
        // An opted-out contact gets nothing until START: "you will receive" would be untrue.
        // Unsubscribing is answered as usual: "send START" is not what they asked for.
        if (subscribe && contact->status == "opted_out") {
            answer("opted_out", {});
        } else {
            answer(subscribe ? "subscribed" : "unsubscribed",
                   {{"commodity", request.commodity_keyword}});
        }
        result.detail =
            std::string(subscribe ? "subscribed to " : "unsubscribed from ") + request.commodity;
        break;
    }
    case core::Intent::price: {
        if (request.commodity.empty()) {
            answer("no_commodity", {});
            break;
        }
        const auto prices = prices_for_request(env, request.commodity, request.market,
                                               contact ? contact->contact.region : "");
        if (prices.empty()) {
            answer("no_price",
                   {{"commodity", request.commodity_keyword},
                    {"market", request.market.empty() ? "" : " (" + request.market + ")"}});
            break;
        }
        std::string lines;
        for (const auto& p : prices) {
            lines += (lines.empty() ? "" : "; ") + price_line(p);
        }
        answer("price", {{"commodity", request.commodity_keyword}, {"prices", lines}});
        break;
    }
    case core::Intent::help:
        answer("help", {}); // asked for: answered, within replies_per_day
        break;
    case core::Intent::none:
        // A text not understood gets the help text at most once a day: not after help was
        // sent that day, asked for or not.
        if (inbox.replied_since(result.phone, today, "help") +
                inbox.replied_since(result.phone, today, "none") >
            0) {
            result.detail = "help already sent today";
        } else {
            answer("help", {});
        }
        break;
    }
    if (result.reply && !contact && !keywords.answer_strangers) {
        result.reply.reset();
        result.detail = "not a contact: no reply ([keywords] answer_strangers)";
    }
    const bool confirmation =
        request.intent == core::Intent::stop || request.intent == core::Intent::start;
    if (result.reply && !confirmation &&
        inbox.replied_since(result.phone, today) >= keywords.replies_per_day) {
        result.reply.reset();
        result.detail = "no reply: " + std::to_string(keywords.replies_per_day) +
                        " replies today already ([keywords] replies_per_day)";
    }
    if (result.reply) {
        inbox.set_reply(*id, *result.reply, now, "kibaru");
        result.reply_id = queue_reply(env, *id, result.phone, *result.reply,
                                      confirmation ? "confirmation" : "answer");
    }
    return result;
}

} // namespace

Result<InboundResult> handle_incoming_sms(const Env& env, const IncomingSms& sms) {
    return handle_incoming_batch(env, {sms}).front();
}

std::vector<InboundResult> handle_incoming_batch(const Env& env,
                                                 const std::vector<IncomingSms>& batch) {
    const auto phones = core::phone_normalizer(env.config.contacts);
    std::vector<InboundResult> results;
    results.reserve(batch.size());
    store::Transaction tx(env.db);
    for (const auto& sms : batch) {
        results.push_back(handle_one(env, phones, sms));
    }
    tx.commit();
    return results;
}

Result<store::InboxRow> reply_by_hand(const Env& env, std::int64_t id, const std::string& text) {
    // A text the SMS cannot carry is refused as a weekly message's is, with its codes.
    if (text.empty()) {
        return with_why(invalid("the reply is empty", "text"), {"reply_empty"});
    }
    core::Refusal why;
    if (auto sms =
            core::prepare_sms(text, *core::parse_encoding_mode(env.config.sms.encoding), &why);
        !sms) {
        return with_why(invalid(sms.error().message, "text"), std::move(why));
    }
    store::Transaction tx(env.db);
    store::InboxRepo inbox(env.db);
    const auto row = inbox.find(id);
    if (!row) {
        return not_found("no inbox message " + std::to_string(id));
    }
    // A row of its own: the automatic reply stays on record, and the reply limits count it.
    const auto reply_id = queue_reply(env, id, row->phone, text, "manual",
                                      env.actor.name.empty() ? "staff" : env.actor.name);
    record(env, "inbox.replied", row->phone,
           {{"inbox_id", id}, {"reply_id", reply_id}, {"text", text}});
    auto replied = inbox.find(id);
    tx.commit();
    return *replied;
}

Result<std::vector<store::InboxRow>> list_inbox(const Env& env, const std::string& since,
                                                bool unanswered, std::int64_t limit,
                                                std::int64_t before) {
    std::string from;
    if (!since.empty()) {
        const auto instant = core::parse_instant(since);
        if (!instant) {
            return invalid("\"" + since + "\" is not a date (YYYY-MM-DD, or 2019-01-08T09:00:00Z)",
                           "since");
        }
        from = core::format_utc(*instant); // as received_at is written, so that text compares
    }
    return store::InboxRepo(env.db).list(from, unanswered, limit, before);
}

std::vector<std::string> inbox_columns() {
    return {"id",      "received_at", "phone",      "contact",           "text",
            "matched", "reply",       "replied_by", "gateway_message_id"};
}

std::vector<util::Json> inbox_cells(const store::InboxRow& row) {
    return {row.id,
            row.received_at,
            row.phone,
            row.contact_name,
            row.text,
            row.matched,
            row.reply ? util::Json(*row.reply) : util::Json(nullptr),
            row.replied_by,
            row.gateway_message_id};
}

} // namespace kibaru::ops
