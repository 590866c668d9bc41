// An SMS a producer sends us, handled once: stored in the inbox whatever it says, understood
// (core/keywords: STOP, START, PRIX, ABONNER, DESABONNER, AIDE), acted on (an opt-out, a
// subscription), and answered within the limits of [keywords] — at most replies_per_day
// automatic replies per phone, the help text at most once a day, strangers only with
// answer_strangers. The same message posted twice by a gateway (same message id, or for
// gateways without ids the same sender, text and minute) is stored and answered once.
// Replies are queued in `replies`, in the same transaction as the inbox row, and the daemon's
// engine sends them through the gateway lanes (store/replies_repo.hpp). Manual replies by staff
// go the same way, audited with their name.
#pragma once

#include "core/keywords.hpp"
#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/inbox_repo.hpp"
#include "util/rows.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::ops {

struct IncomingSms {
    std::string from; // as the gateway wrote it
    std::string text;
    std::string gateway;            // the gateway's name ("default" for the single [gateway])
    std::string gateway_message_id; // "" when the gateway gives none
};

struct InboundResult {
    bool duplicate = false; // stored before: nothing was done again
    std::int64_t inbox_id = 0;
    std::string phone; // E.164 when it could be read
    core::Intent intent = core::Intent::none;
    bool contact = false;             // the sender is a contact
    std::optional<std::string> reply; // the reply, when one is due: queued for the engine
    std::int64_t reply_id = 0;        // its row in `replies`
    std::string detail;               // what was understood or done, or why no reply
};

Result<InboundResult> handle_incoming_sms(const Env& env, const IncomingSms& sms);

// Several incoming SMS in one transaction, in order (a later one sees what an earlier one did:
// the day's replies to a phone, an opt-out): the daemon's callback listener handles the
// messages that arrive in one turn of its loop together, so that a burst of queries costs a few
// commits rather than one each. All or nothing: a store error leaves none of them written.
std::vector<InboundResult> handle_incoming_batch(const Env& env,
                                                 const std::vector<IncomingSms>& batch);

// The code of an empty reply's refusal (core/refusal.hpp); a text the SMS cannot carry has the
// codes of a weekly message's (k_message_refusal_codes).
inline constexpr std::array<std::string_view, 1> k_reply_refusal_codes = {"reply_empty"};

// A reply typed by staff to the inbox message `id`: recorded on it (replied_by = the actor),
// queued for the daemon to send, and audited. Fails: not_found, invalid (empty or unsendable
// text).
Result<store::InboxRow> reply_by_hand(const Env& env, std::int64_t id, const std::string& text);

// `inbox list` and GET /api/v1/inbox: newest first, received at or after `since` (a date,
// midnight UTC, or an instant; "" for all), only those a person must answer when `unanswered`,
// at most `limit`, before the id `before` (0: the newest). Fails (invalid, field "since") on a
// `since` that is not a date: a text compared as it is would list all or nothing.
Result<std::vector<store::InboxRow>> list_inbox(const Env& env, const std::string& since,
                                                bool unanswered, std::int64_t limit,
                                                std::int64_t before = 0);

// `inbox list` and GET /api/v1/inbox: received_at, phone, contact, text, matched, reply,
// replied_by, gateway_message_id.
std::vector<std::string> inbox_columns();
std::vector<util::Json> inbox_cells(const store::InboxRow& row);

} // namespace kibaru::ops
