// The outcome batch: what came back from the gateways since the last commit — each delivery's
// transition, each reply's outcome, and the outage and recovery entries of the gateways' circuit
// breakers — held in memory and written together in the next delivery transaction (the one that
// also claims the next deliveries), so that a busy dispatcher commits a few larger transactions
// rather than one per SMS. Nothing here decides anything: it only gathers and writes.
#pragma once

#include "store/deliveries_repo.hpp"
#include "store/replies_repo.hpp"

#include <string>
#include <vector>

namespace kibaru::store {
class Database;
}

namespace kibaru::engine {

class OutcomeBatch {
public:
    void add(store::Transition transition) { m_deliveries.push_back(std::move(transition)); }
    void add(store::ReplyOutcome outcome) { m_replies.push_back(std::move(outcome)); }
    // `details`: the audit entry's JSON, whose subject is "gateway <name>".
    void add_gateway_event(std::string action, std::string gateway, std::string details) {
        m_gateway_events.push_back({std::move(action), std::move(gateway), std::move(details)});
    }

    bool empty() const {
        return m_deliveries.empty() && m_replies.empty() && m_gateway_events.empty();
    }
    // Outcomes of sends (not only audit entries) wait to be written.
    bool has_sends() const { return !m_deliveries.empty() || !m_replies.empty(); }

    // Writes everything gathered inside the caller's transaction (`now`: UTC, for the rows and
    // the audit entries). The batch keeps it until clear(), called once the transaction commits:
    // a rolled-back write is written again with the next one.
    void write(store::Database& db, const std::string& now, const std::string& actor) const;
    void clear();

private:
    struct GatewayEvent {
        std::string action;
        std::string gateway;
        std::string details;
    };
    std::vector<store::Transition> m_deliveries;
    std::vector<store::ReplyOutcome> m_replies;
    std::vector<GatewayEvent> m_gateway_events;
};

} // namespace kibaru::engine
