// The engine's gateway lanes in process: each gateway's HTTP exchange is a scripted fake port
// (net/http_port.hpp) and the lanes' steady clock is frozen, so routing, failover, in-doubt
// sends and the circuit breaker are checked without sockets and without timing. What the
// gateways were asked is what the fake ports saw; what became of each delivery is read from
// the database.
#include "../ops/ops_fixture.hpp"
#include "engine/engine.hpp"
#include "ops/campaigns.hpp"
#include "ops/contact_import.hpp"
#include "ops/messages.hpp"
#include "scripted_gateway.hpp"

#include <map>
#include <sstream>

using namespace kibaru;
using test::answer;
using test::ScriptedGateway;

namespace {

class Quiet final : public ops::ImportListener {
public:
    void problem(const ops::ImportProblem&) override {}
};

class LanesTest : public test::OpsTest {
protected:
    void SetUp() override {
        OpsTest::SetUp();
        std::istringstream csv("phone,name,commodities,language\n76000001,Awa,sesame,fr\n"
                               "76000002,Moussa,sesame,fr\n76000003,Fanta,sesame,fr\n");
        Quiet quiet;
        ASSERT_TRUE(ops::import_contacts(env(), csv, "c.csv", {}, quiet));
        core::Campaign c;
        c.name = "Sésame";
        c.commodity = "sesame";
        c.start_date = "2019-01-07"; // week 1 opens Tuesday 8 January, 08:00 in Bamako (UTC)
        ASSERT_TRUE(ops::create_campaign(env(), c));
        ASSERT_TRUE(
            ops::save_messages(env(), 1, {{"t", 1, "fr", "Prix du sesame: 500 FCFA/kg"}}, "t"));
    }

    // Two gateways that both take every Malian number: `first`, then `second`.
    void two_gateways() {
        core::GatewayConfig first;
        first.name = "first";
        first.priority = 1;
        first.rate_per_second = 0;
        // A retry waits a jittered backoff in [0, backoff_initial_ms): with 1 s, one run in
        // some 200 drew under a millisecond, and run-once, whose clock is frozen, sent it again.
        first.backoff_initial_ms = 3'600'000;
        first.backoff_max_ms = 3'600'000;
        core::GatewayConfig second = first;
        second.name = "second";
        second.priority = 2;
        config.gateways = {first, second};
    }

    // Runs the engine once at 09:00 on week 1's opening day, the gateways answering as given;
    // returns the phones each gateway was asked to send to.
    std::map<std::string, std::vector<std::string>>
    run_once(const std::map<std::string, net::HttpResponse>& answers) {
        boost::asio::io_context io;
        std::map<std::string, std::vector<std::string>> asked;
        std::vector<core::GatewaySettings> settings;
        for (const auto& g : core::sending_gateways(config)) {
            settings.push_back(core::GatewaySettings::for_gateway(config, g, "", ""));
            asked[g.name];
        }
        engine::EngineOptions options;
        options.run_once = true;
        options.http_port = [&](const core::GatewayConfig& g) -> std::unique_ptr<net::HttpPort> {
            return std::make_unique<ScriptedGateway>(io, answers.at(g.name), asked[g.name], nullptr,
                                                     g.max_in_flight);
        };
        const auto frozen = std::chrono::steady_clock::now();
        options.steady_now = [frozen] { return frozen; };
        const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
            *core::parse_instant("2019-01-08T09:00:00Z"));
        engine::Engine engine(
            io, *db, config, std::move(settings), [now] { return now; }, options);
        engine.start([&io] { io.stop(); });
        io.run();
        return asked;
    }
    std::string states() {
        return sql("SELECT group_concat(state || '@' || coalesce(gateway, '-'), ' ') FROM "
                   "(SELECT state, gateway FROM deliveries ORDER BY id)");
    }
};

const std::vector<std::string> k_all = {"%2B22376000001", "%2B22376000002", "%2B22376000003"};

} // namespace

TEST_F(LanesTest, a_gateway_that_certainly_refused_hands_the_numbers_to_the_next) {
    two_gateways();
    const auto asked =
        run_once({{"first", answer(403, "forbidden")}, {"second", answer(202, "0: Accepted")}});
    EXPECT_EQ(asked.at("first"), k_all);
    EXPECT_EQ(asked.at("second"), k_all) << "each number once more, through the next gateway";
    EXPECT_EQ(states(), "sent@second sent@second sent@second");
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE refused_by = 'first'"), "3");
}

TEST_F(LanesTest, a_send_in_doubt_never_goes_to_a_second_gateway) {
    two_gateways();
    const auto asked = run_once({{"first", answer(0, "")}, {"second", answer(202, "0: Accepted")}});
    EXPECT_EQ(asked.at("first"), k_all);
    EXPECT_TRUE(asked.at("second").empty()) << "a timeout may have reached the first gateway";
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'retrying' AND in_doubt_at = "
                  "'first'"),
              "3");
}

// A lane claims more than max_in_flight (twice here: the scripted gateways' answers take no
// measurable time, and the window grows only on measures); what still waits for a connection
// when its circuit opens has not left, and goes to the next gateway rather than into the outage.
TEST_F(LanesTest, claims_waiting_for_a_connection_when_the_circuit_opens_go_to_the_next) {
    std::istringstream more("phone,name,commodities,language\n76000004,Ali,sesame,fr\n"
                            "76000005,Sira,sesame,fr\n76000006,Oumar,sesame,fr\n");
    Quiet quiet;
    ASSERT_TRUE(ops::import_contacts(env(), more, "more.csv", {}, quiet));
    two_gateways();
    config.gateways[0].max_in_flight = 2; // claims 4: two out at once, two waiting
    config.gateways[0].breaker_threshold = 1;
    const auto asked = run_once({{"first", answer(0, "")}, {"second", answer(202, "0: Accepted")}});
    auto phone = [](int i) { return "%2B2237600000" + std::to_string(i); };
    // The first timeout frees a connection (the third leaves) and opens the circuit: the
    // fourth, still waiting, is handed back unsent; the fifth and sixth are claimed after.
    EXPECT_EQ(asked.at("first"), (std::vector<std::string>{phone(1), phone(2), phone(3)}));
    EXPECT_EQ(asked.at("second"), (std::vector<std::string>{phone(4), phone(5), phone(6)}));
    EXPECT_EQ(states(), "retrying@first retrying@first retrying@first sent@second sent@second "
                        "sent@second")
        << "the three that timed out may have reached the first: they stay with it";
}

// SIGTERM's drain: a claimed request may wait two timeouts for a connection (a lane claims up to
// three times max_in_flight), then take its own.
TEST_F(LanesTest, the_drain_deadline_covers_a_wait_and_a_request_on_the_slowest_gateway) {
    two_gateways();
    config.gateways[0].timeout_ms = 1000;
    config.gateways[1].timeout_ms = 4000;
    boost::asio::io_context io;
    std::vector<core::GatewaySettings> settings;
    for (const auto& g : core::sending_gateways(config)) {
        settings.push_back(core::GatewaySettings::for_gateway(config, g, "", ""));
    }
    std::vector<std::string> asked;
    engine::EngineOptions options;
    options.http_port = [&](const core::GatewayConfig&) -> std::unique_ptr<net::HttpPort> {
        return std::make_unique<ScriptedGateway>(io, answer(202, ""), asked);
    };
    engine::Engine engine(
        io, *db, config, std::move(settings), [] { return engine::Millis{}; }, options);
    EXPECT_EQ(engine.drain_deadline(), std::chrono::milliseconds{3 * 4000 + 2000});
}

TEST_F(LanesTest, a_connection_never_made_is_a_certain_refusal) {
    two_gateways();
    const auto asked = run_once(
        {{"first", answer(0, "", /*never_sent=*/true)}, {"second", answer(202, "0: Accepted")}});
    EXPECT_EQ(asked.at("second"), k_all);
    EXPECT_EQ(states(), "sent@second sent@second sent@second");
}

TEST_F(LanesTest, the_breaker_opens_after_its_threshold_and_sends_nothing_until_its_cooldown) {
    config.gateway.breaker_threshold = 2;
    config.gateway.max_in_flight = 1; // one request out at a time: the count is exact
    config.gateway.rate_per_second = 0;
    const auto asked = run_once({{"default", answer(503, "busy")}});
    EXPECT_EQ(asked.at("default").size(), 2u)
        << "two failures open the circuit; the frozen clock never reaches the first probe";
    EXPECT_EQ(states(), "retrying@default retrying@default pending@-")
        << "an outage fails nobody, and the third is not even tried";
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'gateway.outage'"), "1");
}

TEST_F(LanesTest, an_outage_page_in_latin1_is_audited_not_fatal) {
    // A French gateway's error page in ISO-8859-1 ("crédit épuisé"): its first line goes into
    // the circuit's audit entry, and JSON refuses invalid UTF-8. It threw out of io.run() and
    // stopped the daemon.
    config.gateway.breaker_threshold = 2;
    config.gateway.max_in_flight = 1;
    config.gateway.rate_per_second = 0;
    EXPECT_NO_THROW(run_once({{"default", answer(503, "Erreur: cr\xE9"
                                                      "dit \xE9puis\xE9")}}));
    EXPECT_EQ(sql("SELECT json_extract(details, '$.last_error') FROM audit_log WHERE action = "
                  "'gateway.outage'"),
              "HTTP 503: Erreur: cr\xEF\xBF\xBD"
              "dit \xEF\xBF\xBD"
              "puis\xEF\xBF\xBD");
}

// A reply stored before incoming senders were made valid UTF-8 (86f3d22) cannot go into a JSON
// request body: nlohmann throws. That reply fails with the reason and the week goes on; thrown,
// it rolled back every dispatcher cycle (the daemon stopped claiming for good, run-once ended).
TEST_F(LanesTest, a_message_its_gateway_request_cannot_carry_fails_alone) {
    config.gateway.profile = "generic";
    config.gateway.generic.url = "http://127.0.0.1:9000/send?to={to}"; // what the fake reads
    config.gateway.rate_per_second = 0;
    db->exec("INSERT INTO replies (phone, text, kind, segments, created_at, updated_at) VALUES "
             "(CAST(X'FF2B3232333736303030303039' AS TEXT), 'Prix', 'answer', 1, "
             "'2019-01-08T08:59:00Z', '2019-01-08T08:59:00Z')");
    std::map<std::string, std::vector<std::string>> asked;
    EXPECT_NO_THROW(asked = run_once({{"default", answer(200, R"({"id":"g1"})")}}));
    EXPECT_EQ(asked.at("default").size(), 3u) << "the week's three SMS";
    EXPECT_EQ(states(), "sent@default sent@default sent@default");
    EXPECT_EQ(sql("SELECT state || ': ' || substr(error, 1, 38) FROM replies"),
              "failed: the gateway request could not be built");
}
