// The JSON API and accounts over real HTTP on loopback: `kibaru console` (and the daemon's
// console listener) on a real SQLite file, the CLI beside it. Each test proves one promise of
// SPEC.md "Accounts, the JSON API and the web console".
#include "api_client.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>
#include <sstream>

using kibaru::test::ApiClient;
using kibaru::test::ApiResponse;
using kibaru::test::Background;
using kibaru::test::eventually;
using kibaru::test::FakeGateway;
using kibaru::test::run_process;
using kibaru::test::RunResult;
using kibaru::test::Scratch;
using kibaru::test::start_fake_gateway;
using nlohmann::json;

namespace {

const char* k_admin_password = "admin-pass-2019";
const char* k_staff_password = "staff-pass-2019";
const char* k_auditor_password = "auditor-pass-2019";

class Api : public ::testing::Test {
protected:
    void SetUp() override {
        gateway = start_fake_gateway(s.dir(), {"--record", "accepted.txt"});
        port = kibaru::test::free_port();
        s.write("k.toml", "[gateway]\nurl = \"http://127.0.0.1:" + std::to_string(gateway.port) +
                              "/ok/cgi-bin/sendsms\"\nrate_per_second = 0\n[server]\nlisten = "
                              "\"127.0.0.1:0\"\n[console]\nlisten = \"127.0.0.1:" +
                              std::to_string(port) + "\"\npublic_url = \"http://127.0.0.1:" +
                              std::to_string(port) + "\"\n[log]\nfile = \"kibaru.log\"\n");
        add_user_cli("admin", "admin", k_admin_password);
    }
    void TearDown() override { stop_console(); }

    RunResult k(std::vector<std::string> args, const std::string& now = "") {
        args.insert(args.begin(), {"--config", "k.toml"});
        if (!now.empty()) {
            args.insert(args.begin(), {"--now", now});
        }
        return s.kibaru(args, {"KIBARU_CONFIG="});
    }
    void add_user_cli(const std::string& name, const std::string& role,
                      const std::string& password) {
        const auto r = run_process({"bash", "-c",
                                    "printf '%s\\n' \"$PW\" | " + std::string(KIBARU_BIN) +
                                        " --config k.toml --db kibaru.db users add " + name +
                                        " --role " + role + " --password-stdin"},
                                   s.dir(), {"PW=" + password, "KIBARU_CONFIG="});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    void start_console(std::vector<std::string> extra = {}, const std::string& db = "kibaru.db",
                       const std::string& now = "2019-01-08T09:00:00Z") {
        std::vector<std::string> argv = {KIBARU_BIN, "--config", "k.toml", "--db",
                                         db,         "--now",    now,      "console"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        console =
            std::make_unique<Background>(argv, s.dir(), std::vector<std::string>{"KIBARU_CONFIG="});
        ASSERT_TRUE(
            eventually([&] { return ApiClient(s, port).get("/api/v1/status").status == 401; }, 15))
            << s.read("kibaru.log");
    }
    void stop_console() {
        if (console) {
            EXPECT_EQ(console->stop(SIGTERM), 0);
            console.reset();
        }
    }
    // A client signed in as `name`.
    ApiClient as(const std::string& name, const std::string& password) {
        ApiClient client(s, port, name);
        EXPECT_EQ(client.login(name, password), 200);
        return client;
    }
    std::string sql(const std::string& q) {
        auto out = s.sql(q).out;
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        return out;
    }
    // Contacts, a campaign with week 1 written, as staff would through the API.
    void prepare_campaign(ApiClient& staff) {
        const std::string csv = "phone,name,region,commodities,language\n"
                                "76000001,Awa Traoré,Kita,sesame,fr\n"
                                "76000002,Moussa Keita,Kita,sesame,bm\n"
                                "76000003,Fanta Diarra,Dioila,sesame,fr\n";
        auto imported =
            staff.call("POST", "/api/v1/contacts/import?name=producers.csv", csv,
                       {"Origin: " + staff.origin(), "X-CSRF-Token: " + staff.csrf()}, "text/csv");
        ASSERT_EQ(imported.status, 200) << imported.body;
        auto created =
            staff.post("/api/v1/campaigns",
                       {{"name", "Sésame 2019"}, {"commodity", "sesame"}, {"start", "2019-01-07"}});
        ASSERT_EQ(created.status, 201) << created.body;
        for (const auto& [language, text] : {std::pair{"fr", "{name}: sésame S{week} 650 FCFA/kg"},
                                             std::pair{"bm", "{name}: bɛnɛ S{week} 650 FCFA/kg"}}) {
            auto set = staff.call("PUT", std::string("/api/v1/campaigns/1/messages/1/") + language,
                                  json{{"text", text}}.dump());
            ASSERT_EQ(set.status, 200) << set.body;
        }
    }

    Scratch s;
    FakeGateway gateway;
    int port = 0;
    std::unique_ptr<Background> console;
};

} // namespace

// SPEC's "Must show": the first admin from the CLI, a staff account through the API, staff
// prepare a campaign through the API, run-once sends it, an auditor reads everything and can
// change nothing, a POST without the CSRF token changes nothing, and the audit log names each
// user as the actor of their changes.
TEST_F(Api, admin_staff_and_auditor_do_their_work_through_the_api) {
    start_console();
    auto admin = as("admin", k_admin_password);
    for (const auto& [name, role, password] :
         {std::tuple{"awa", "staff", k_staff_password},
          std::tuple{"fatou", "auditor", k_auditor_password}}) {
        auto added =
            admin.post("/api/v1/users", {{"name", name}, {"role", role}, {"password", password}});
        ASSERT_EQ(added.status, 201) << added.body;
    }
    auto staff = as("awa", k_staff_password);
    prepare_campaign(staff);
    const auto sent = k({"run-once"}, "2019-01-08T09:00:00Z");
    ASSERT_EQ(sent.exit_code, 0) << sent.err;
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'sent'"), "3");

    auto auditor = as("fatou", k_auditor_password);
    const auto report = auditor.get("/api/v1/campaigns/1/report");
    ASSERT_EQ(report.status, 200);
    EXPECT_EQ(report.json()[0]["targeted"], 3);
    EXPECT_EQ(report.json()[0]["sent"], 3);
    const auto csv = auditor.get("/api/v1/deliveries?campaign=1&format=csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.body.rfind("campaign,week,phone,state,", 0), 0u) << csv.body;
    EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 4) << csv.body;
    EXPECT_NE(csv.body.find("+22376000001"), std::string::npos) << "auditors see phone numbers";

    const auto before = sql("SELECT count(*) FROM audit_log");
    for (const auto& [method, path, body] :
         {std::tuple{"POST", "/api/v1/campaigns/1/pause", ""},
          std::tuple{"POST", "/api/v1/contacts/76000001/optout", ""},
          std::tuple{"PUT", "/api/v1/campaigns/1/messages/2/fr", "{\"text\":\"x\"}"},
          std::tuple{"POST", "/api/v1/campaigns", "{\"name\":\"x\"}"},
          std::tuple{"POST", "/api/v1/users", "{\"name\":\"x\"}"}}) {
        EXPECT_EQ(auditor.call(method, path, body).status, 403) << method << " " << path;
    }
    staff.forget_csrf();
    EXPECT_EQ(staff.post("/api/v1/campaigns/1/pause").status, 403)
        << "a POST without the CSRF token";
    EXPECT_EQ(sql("SELECT status FROM campaigns WHERE id = 1"), "active");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log"), before) << "refused requests change nothing";

    EXPECT_EQ(sql("SELECT group_concat(DISTINCT actor) FROM audit_log WHERE action IN "
                  "('contacts.import', 'campaign.create', 'message.set')"),
              "awa");
    EXPECT_EQ(sql("SELECT group_concat(actor) FROM audit_log WHERE action = 'user.add' AND "
                  "subject IN ('awa', 'fatou')"),
              "admin,admin");
    EXPECT_EQ(k({"audit", "verify"}).exit_code, 0);
}

// Every endpoint for every role: allowed ones are never 401/403, the others always 403.
TEST_F(Api, each_endpoint_answers_each_role_as_the_spec_table_says) {
    add_user_cli("awa", "staff", k_staff_password);
    add_user_cli("fatou", "auditor", k_auditor_password);
    start_console();
    {
        auto staff = as("awa", k_staff_password);
        prepare_campaign(staff);
    }
    enum Need { any, staff_role, admin_role };
    struct Endpoint {
        std::string method, path, body;
        Need need;
    };
    const std::vector<Endpoint> endpoints = {
        {"GET", "/api/v1/status", "", any},
        {"GET", "/api/v1/contacts?limit=2", "", any},
        {"GET", "/api/v1/contacts/76000001/report", "", any},
        {"GET", "/api/v1/campaigns", "", any},
        {"GET", "/api/v1/campaigns/1", "", any},
        {"GET", "/api/v1/campaigns/1/preview?week=1", "", any},
        {"GET", "/api/v1/campaigns/1/messages", "", any},
        {"GET", "/api/v1/campaigns/1/report", "", any},
        {"GET", "/api/v1/deliveries?format=json", "", any},
        {"GET", "/api/v1/audit?format=csv", "", any},
        {"POST", "/api/v1/audit/verify", "", any},
        {"GET", "/api/v1/audit/checkpoint", "", any},
        {"GET", "/api/v1/prices", "", any},
        {"POST", "/api/v1/prices/import?name=p.csv",
         "date,commodity,market,price_min,price_max\n2019-01-05,sesame,Kita,600,650\n", staff_role},
        {"POST", "/api/v1/contacts/import?dry_run=true", "phone\n76000009\n", staff_role},
        {"POST", "/api/v1/contacts/76000003/optout", "", staff_role},
        {"POST", "/api/v1/contacts/76000003/optin", "", staff_role},
        {"POST", "/api/v1/campaigns", R"({"name":"r","commodity":"rice","start":"2019-02-04"})",
         staff_role},
        {"POST", "/api/v1/campaigns/1/pause", "", staff_role},
        {"POST", "/api/v1/campaigns/1/resume", "", staff_role},
        {"PUT", "/api/v1/campaigns/1/messages/2/fr", R"({"text":"Prix S{week}"})", staff_role},
        {"GET", "/api/v1/users", "", admin_role},
        {"POST", "/api/v1/users", R"({"name":"new","role":"auditor","password":"0123456789"})",
         admin_role},
        {"POST", "/api/v1/users/new/disable", "", admin_role},
        {"POST", "/api/v1/users/new/enable", "", admin_role},
    };
    const std::vector<std::tuple<std::string, std::string, Need>> roles = {
        {"fatou", k_auditor_password, any},
        {"awa", k_staff_password, staff_role},
        {"admin", k_admin_password, admin_role}};
    for (const auto& [name, password, level] : roles) {
        auto client = as(name, password);
        for (const auto& e : endpoints) {
            const auto r = client.call(e.method, e.path, e.body);
            if (e.need <= level) {
                EXPECT_NE(r.status, 403) << name << " " << e.method << " " << e.path << r.body;
                EXPECT_LT(r.status, 300) << name << " " << e.method << " " << e.path << r.body;
            } else {
                EXPECT_EQ(r.status, 403) << name << " " << e.method << " " << e.path;
                EXPECT_EQ(r.json().is_object() ? r.json().value("error", "") : "", "forbidden")
                    << r.body;
            }
        }
    }
    ApiClient nobody(s, port);
    for (const auto& e : endpoints) {
        EXPECT_EQ(nobody.call(e.method, e.path, e.body).status, 401) << e.method << " " << e.path;
    }
}

TEST_F(Api, changes_need_the_consoles_origin_and_the_sessions_csrf_token) {
    start_console();
    auto admin = as("admin", k_admin_password);
    const auto body = json{{"name", "x1"}, {"role", "auditor"}, {"password", "0123456789"}}.dump();
    const std::string csrf = "X-CSRF-Token: " + admin.csrf();
    EXPECT_EQ(admin.call("POST", "/api/v1/users", body, {"Origin: " + admin.origin()}).status, 403)
        << "no token";
    EXPECT_EQ(admin
                  .call("POST", "/api/v1/users", body,
                        {"Origin: " + admin.origin(), "X-CSRF-Token: 00" + admin.csrf()})
                  .status,
              403)
        << "a wrong token";
    EXPECT_EQ(
        admin.call("POST", "/api/v1/users", body, {"Origin: http://evil.example", csrf}).status,
        403)
        << "another site";
    EXPECT_EQ(admin.call("POST", "/api/v1/users", body, {csrf}).status, 403)
        << "neither Origin nor Sec-Fetch-Site";
    EXPECT_EQ(sql("SELECT count(*) FROM users WHERE name = 'x1'"), "0");
    EXPECT_EQ(
        admin.call("POST", "/api/v1/users", body, {"Sec-Fetch-Site: same-origin", csrf}).status,
        201)
        << "a browser's same-origin request without Origin";
    EXPECT_EQ(admin.call("DELETE", "/api/v1/session", "", {"Origin: " + admin.origin()}).status,
              403)
        << "signing out is a change too: no token, no sign-out";
    EXPECT_EQ(admin.call("GET", "/api/v1/status").status, 200) << "still signed in";
    // A page refused says why in the reader's language (French by default), not the API's.
    const auto page = admin.call("POST", "/campaigns", "name=x", {"Origin: " + admin.origin()},
                                 "application/x-www-form-urlencoded");
    EXPECT_EQ(page.status, 403);
    EXPECT_NE(page.body.find("Rechargez la page et recommencez."), std::string::npos) << page.body;
    const auto missing = admin.get("/nulle-part");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find("Cette page n&#39;existe pas : /nulle-part"), std::string::npos)
        << missing.body;
    // The console reached under another name than public_url's (console --listen 0.0.0.0,
    // an address on the LAN): the origin the browser asked for, from Host, is ours too.
    ApiClient lan(s, port, "lan", "http", "kibaru.lan");
    ASSERT_EQ(lan.login("admin", k_admin_password), 200) << "sign-in checks the origin too";
    EXPECT_EQ(
        lan.post("/api/v1/users", {{"name", "x3"}, {"role", "auditor"}, {"password", "0123456789"}})
            .status,
        201);
    EXPECT_EQ(lan.call("POST", "/api/v1/users",
                       json{{"name", "x4"}, {"role", "auditor"}, {"password", "0123456789"}}.dump(),
                       {"Origin: http://evil.example", "X-CSRF-Token: " + lan.csrf()})
                  .status,
              403);

    // An API token is never sent by a browser on its own: no CSRF token needed with it.
    const auto token = k({"users", "token", "admin", "--label", "script"});
    ASSERT_EQ(token.exit_code, 0) << token.err;
    ApiClient script(s, port, "script");
    const std::string bearer = "Authorization: Bearer " + token.out.substr(0, token.out.find('\n'));
    EXPECT_EQ(script
                  .call("POST", "/api/v1/users",
                        json{{"name", "x2"}, {"role", "staff"}, {"password", "0123456789"}}.dump(),
                        {bearer})
                  .status,
              201);
    EXPECT_EQ(sql("SELECT actor FROM audit_log WHERE action = 'user.add' AND subject = 'x2'"),
              "admin");
}

TEST_F(Api, the_session_cookie_is_httponly_samesite_strict_and_ends_with_logout) {
    start_console();
    ApiClient admin(s, port, "admin");
    const auto r = admin.call("POST", "/api/v1/session",
                              json{{"name", "admin"}, {"password", k_admin_password}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["role"], "admin");
    const auto cookie = r.headers.substr(r.headers.find("Set-Cookie: kibaru_session="));
    const auto line = cookie.substr(0, cookie.find('\r'));
    EXPECT_NE(line.find("; HttpOnly"), std::string::npos) << line;
    EXPECT_NE(line.find("; SameSite=Strict"), std::string::npos) << line;
    EXPECT_NE(line.find("; Path=/"), std::string::npos) << line;
    EXPECT_EQ(line.find("Secure"), std::string::npos) << "no Secure over plain HTTP: " << line;
    const auto value = line.substr(std::string("Set-Cookie: kibaru_session=").size(), 43);
    EXPECT_EQ(sql("SELECT count(*) FROM sessions WHERE token_hash LIKE '%" + value + "%'"), "0")
        << "the token is stored hashed";
    const std::string csrf = r.json()["csrf_token"];
    admin.login("admin", k_admin_password);
    EXPECT_EQ(admin.get("/api/v1/status").status, 200);
    EXPECT_EQ(admin.call("DELETE", "/api/v1/session").status, 200);
    EXPECT_EQ(admin.get("/api/v1/status").status, 401) << "signed out";
}

// Five failures for one name or from one address lock both for 15 minutes.
TEST_F(Api, five_failed_logins_lock_a_name_until_an_admin_enables_it_or_15_minutes_pass) {
    add_user_cli("awa", "staff", k_staff_password);
    start_console();
    ApiClient client(s, port);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(client.login("awa", "wrong-password"), 401);
    }
    const auto locked = client.call("POST", "/api/v1/session",
                                    json{{"name", "awa"}, {"password", k_staff_password}}.dump());
    EXPECT_EQ(locked.status, 429) << "even the right password";
    EXPECT_EQ(locked.json()["error"], "too_many");
    EXPECT_EQ(client.login("admin", k_admin_password), 429)
        << "another name from the same address (all tests come from 127.0.0.1)";
    stop_console();
    start_console({}, "kibaru.db", "2019-01-08T09:16:00Z");
    EXPECT_EQ(ApiClient(s, port).login("awa", k_staff_password), 200) << "15 minutes later";
    for (int i = 0; i < 5; ++i) {
        ApiClient(s, port).login("awa", "wrong-password");
    }
    EXPECT_EQ(ApiClient(s, port).login("awa", k_staff_password), 429);
    ASSERT_EQ(k({"users", "enable", "awa"}).exit_code, 0);
    EXPECT_EQ(ApiClient(s, port).login("awa", k_staff_password), 200) << "an admin unlocked it";
}

TEST_F(Api, a_revoked_token_a_changed_password_and_a_disable_end_access) {
    add_user_cli("awa", "staff", k_staff_password);
    start_console();
    const auto issued = k({"users", "token", "awa"});
    ASSERT_EQ(issued.exit_code, 0);
    const std::string bearer =
        "Authorization: Bearer " + issued.out.substr(0, issued.out.find('\n'));
    ApiClient script(s, port, "script");
    EXPECT_EQ(script.call("GET", "/api/v1/status", "", {bearer}).status, 200);
    EXPECT_EQ(sql("SELECT count(*) FROM api_tokens WHERE token_hash = '" +
                  issued.out.substr(0, issued.out.find('\n')) + "'"),
              "0")
        << "only the token's hash is kept";
    ASSERT_EQ(k({"users", "revoke-token", "1"}).exit_code, 0);
    EXPECT_EQ(script.call("GET", "/api/v1/status", "", {bearer}).status, 401);

    auto staff = as("awa", k_staff_password);
    ASSERT_EQ(run_process({"bash", "-c",
                           "echo new-password-42 | " + std::string(KIBARU_BIN) +
                               " --config k.toml --db kibaru.db users passwd awa "
                               "--password-stdin"},
                          s.dir(), {"KIBARU_CONFIG="})
                  .exit_code,
              0);
    EXPECT_EQ(staff.get("/api/v1/status").status, 401) << "a password change ends sessions";
    auto again = as("awa", "new-password-42");
    auto admin = as("admin", k_admin_password);
    EXPECT_EQ(admin.post("/api/v1/users/awa/disable").status, 200);
    EXPECT_EQ(again.get("/api/v1/status").status, 401) << "a disable ends sessions";
    EXPECT_EQ(ApiClient(s, port).login("awa", "new-password-42"), 401);
}

TEST_F(Api, errors_have_their_status_and_shape_and_bad_bodies_change_nothing) {
    add_user_cli("awa", "staff", k_staff_password);
    start_console();
    auto staff = as("awa", k_staff_password);
    prepare_campaign(staff);
    const auto before = sql("SELECT count(*) FROM audit_log");
    auto expect_error = [&](const ApiResponse& r, int status, const std::string& code,
                            const std::string& field = "") {
        EXPECT_EQ(r.status, status) << r.body;
        const auto j = r.json();
        EXPECT_EQ(j.value("error", ""), code) << r.body;
        EXPECT_FALSE(j.value("message", "").empty()) << r.body;
        if (!field.empty()) {
            EXPECT_EQ(j.value("field", ""), field) << r.body;
        }
    };
    expect_error(ApiClient(s, port).get("/api/v1/campaigns"), 401, "unauthorized");
    expect_error(staff.get("/api/v1/campaigns/99"), 404, "not_found");
    expect_error(staff.get("/api/v1/nothing/here"), 404, "not_found");
    expect_error(staff.call("POST", "/api/v1/campaigns", "{not json"), 400, "malformed");
    expect_error(staff.call("POST", "/api/v1/campaigns", "[1,2]"), 400, "malformed");
    expect_error(staff.post("/api/v1/campaigns", {{"name", "x"}, {"commodity", "rice"}}), 422,
                 "invalid", "start");
    expect_error(staff.post("/api/v1/campaigns", {{"name", 7}}), 422, "invalid", "name");
    expect_error(staff.call("PUT", "/api/v1/campaigns/1/messages/1/fr",
                            json{{"text", std::string(600, 'x')}}.dump()),
                 422, "invalid", "text");
    expect_error(
        staff.call("PUT", "/api/v1/campaigns/1/messages/99/fr", json{{"text", "x"}}.dump()), 422,
        "invalid", "week");
    expect_error(staff.call("PUT", "/api/v1/campaigns/1/messages/1/zz", json{{"text", "x"}}.dump()),
                 422, "invalid", "language");
    expect_error(staff.post("/api/v1/campaigns",
                            {{"name", "x"}, {"commodity", "rice"}, {"start", "2027-13-05"}}),
                 422, "invalid", "start");
    expect_error(staff.post("/api/v1/campaigns", {{"name", "x"},
                                                  {"commodity", "rice"},
                                                  {"start", "2027-01-05"},
                                                  {"send_time", "25:00"}}),
                 422, "invalid", "send_time");
    // 2^32 + 21 would wrap into a valid 21 weeks if read as an int.
    for (const auto& weeks : {json(4294967317LL), json(-4294967275LL), json("21"), json(21.5)}) {
        expect_error(
            staff.post(
                "/api/v1/campaigns",
                {{"name", "x"}, {"commodity", "rice"}, {"start", "2027-01-05"}, {"weeks", weeks}}),
            422, "invalid", "weeks");
    }
    // Numbers in paths and queries the same: 4294967297 would be week 1, 4294967346 a limit of 50.
    expect_error(staff.post("/api/v1/campaigns/1/weeks/4294967297/resend", {{"state", "failed"}}),
                 422, "invalid", "week");
    expect_error(
        staff.call("PUT", "/api/v1/campaigns/1/messages/4294967297/fr", json{{"text", "x"}}.dump()),
        422, "invalid", "week");
    expect_error(staff.get("/api/v1/campaigns/1/preview?week=4294967297"), 422, "invalid", "week");
    expect_error(staff.get("/api/v1/deliveries?week=4294967297"), 422, "invalid", "week");
    expect_error(staff.get("/api/v1/contacts?limit=4294967346"), 422, "invalid", "limit");
    expect_error(staff.get("/api/v1/deliveries?status=deliverd"), 422, "invalid", "status");
    expect_error(staff.get("/api/v1/campaigns/1/pause"), 405, "method_not_allowed");
    expect_error(staff.get("/api/v1/contacts?limit=abc"), 422, "invalid", "limit");
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log"), before) << "refused requests change nothing";
    EXPECT_EQ(staff.post("/api/v1/campaigns/1/cancel").status, 200);
    expect_error(staff.post("/api/v1/campaigns/1/resume"), 409, "conflict");
    // 101 MiB: past [console] upload_max_mb (100).
    s.write("big.csv", std::string(101u << 20, 'x'));
    const auto big = run_process({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X",
                                  "POST", "-H", "Origin: " + staff.origin(), "--data-binary",
                                  "@big.csv", staff.origin() + "/api/v1/contacts/import"},
                                 s.dir(), {});
    EXPECT_EQ(big.out, "413");
    EXPECT_EQ(staff.get("/api/v1/status").status, 200) << "the console lives on";
}

// SPEC: the import "returns counts and every reject". A spreadsheet gone wrong has thousands;
// the reply streams them all (spooled to a temporary file, not held in memory).
TEST_F(Api, an_import_answers_every_reject_however_many) {
    add_user_cli("awa", "staff", k_staff_password);
    start_console();
    auto staff = as("awa", k_staff_password);
    const int bad = 12000; // past the 10,000 an earlier version stopped at
    std::string csv = "phone,name,commodities\n76000001,Awa,sesame\n";
    for (int i = 0; i < bad; ++i) {
        csv += "20 22 33 44,Fixe,sesame\n"; // a fixed line in Bamako: not a mobile
    }
    csv += "76000002,Moussa,sesame\n76000001,Awa again,sesame\n";
    auto imported =
        staff.call("POST", "/api/v1/contacts/import?name=producteurs.csv", csv,
                   {"Origin: " + staff.origin(), "X-CSRF-Token: " + staff.csrf()}, "text/csv");
    ASSERT_EQ(imported.status, 200) << imported.body.substr(0, 500);
    const auto reply = json::parse(imported.body);
    EXPECT_EQ(reply["file"], "producteurs.csv");
    EXPECT_EQ(reply["rejected"], bad);
    EXPECT_EQ(reply["inserted"], 2);
    ASSERT_EQ(reply["rejects"].size(), static_cast<std::size_t>(bad));
    EXPECT_EQ(reply["rejects"].front()["line"], 3);
    EXPECT_EQ(reply["rejects"].back()["line"], bad + 2);
    EXPECT_EQ(reply["rejects"].back()["field"], "phone");
    EXPECT_NE(reply["rejects"].back()["reason"].get<std::string>().find("mobile"),
              std::string::npos)
        << reply["rejects"].back();
    ASSERT_EQ(reply["duplicate_rows"].size(), 1u);
    EXPECT_EQ(reply["duplicate_rows"][0]["line"], 2);
    EXPECT_NE(reply["duplicate_rows"][0]["reason"].get<std::string>().find(
                  "appears again on line " + std::to_string(bad + 4)),
              std::string::npos)
        << reply["duplicate_rows"][0];
    EXPECT_FALSE(reply.contains("truncated"));
    EXPECT_EQ(sql("SELECT count(*) FROM contacts"), "2");
}

// A week's failed deliveries sent again from the console's week page (staff see the button,
// auditors do not) and counted through the API; refused once the week has closed.
TEST_F(Api, staff_send_a_weeks_failed_deliveries_again_from_the_console_and_the_api) {
    add_user_cli("awa", "staff", k_staff_password);
    add_user_cli("fatou", "auditor", k_auditor_password);
    start_console();
    {
        auto staff = as("awa", k_staff_password);
        prepare_campaign(staff);
    }
    stop_console();
    // The gateway refuses one number: its delivery fails for good in week 1.
    auto refusing = start_fake_gateway(s.dir(), {"--reject", "+22376000001"});
    auto config = s.read("k.toml");
    const auto old_port = std::to_string(gateway.port);
    config.replace(config.find(old_port), old_port.size(), std::to_string(refusing.port));
    s.write("k.toml", config);
    ASSERT_EQ(k({"run-once"}, "2019-01-08T09:00:00Z").exit_code, 0);
    ASSERT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'failed'"), "1");
    config.replace(config.find(std::to_string(refusing.port)), std::to_string(refusing.port).size(),
                   old_port);
    s.write("k.toml", config);

    start_console({}, "kibaru.db", "2019-01-08T09:30:00Z");
    auto auditor = as("fatou", k_auditor_password);
    const auto seen = auditor.get("/campaigns/1/weeks/1");
    EXPECT_EQ(seen.status, 200);
    EXPECT_EQ(seen.body.find("/resend/"), std::string::npos) << "no button for an auditor";
    EXPECT_EQ(auditor.post("/api/v1/campaigns/1/weeks/1/resend", {{"state", "failed"}}).status,
              403);
    auto staff = as("awa", k_staff_password);
    const auto page = staff.get("/campaigns/1/weeks/1");
    EXPECT_NE(page.body.find("action=\"/campaigns/1/weeks/1/resend/failed\""), std::string::npos)
        << page.body;
    EXPECT_NE(page.body.find("Envois en échec : 1"), std::string::npos);
    EXPECT_EQ(page.body.find("/resend/unknown"), std::string::npos) << "none in doubt";

    const auto bad = staff.post("/api/v1/campaigns/1/weeks/1/resend", {{"state", "sent"}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.json().value("field", ""), "state");
    const auto dry =
        staff.post("/api/v1/campaigns/1/weeks/1/resend", {{"state", "failed"}, {"dry_run", true}});
    EXPECT_EQ(dry.status, 200) << dry.body;
    EXPECT_EQ(dry.json().value("deliveries", -1), 1) << dry.body;
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'failed'"), "1");

    const auto clicked = staff.call("POST", "/campaigns/1/weeks/1/resend/failed", "", {"default"},
                                    "application/x-www-form-urlencoded");
    EXPECT_EQ(clicked.status, 303) << clicked.body;
    EXPECT_NE(clicked.headers.find("resent=1"), std::string::npos) << clicked.headers;
    EXPECT_EQ(sql("SELECT count(*) FROM deliveries WHERE state = 'failed'"), "0");
    EXPECT_EQ(sql("SELECT actor FROM audit_log WHERE action = 'deliveries.resend'"), "awa");
    stop_console();
    ASSERT_EQ(k({"run-once"}, "2019-01-08T10:00:00Z").exit_code, 0);
    EXPECT_EQ(sql("SELECT state FROM deliveries d JOIN contacts c ON c.id = d.contact_id "
                  "WHERE c.phone = '+22376000001'"),
              "sent");

    start_console({}, "kibaru.db", "2019-01-16T21:00:00Z"); // week 1 has closed
    auto later = as("awa", k_staff_password);
    EXPECT_EQ(later.get("/campaigns/1/weeks/1").body.find("/resend/"), std::string::npos);
    const auto late = later.post("/api/v1/campaigns/1/weeks/1/resend", {{"state", "failed"}});
    EXPECT_EQ(late.status, 409);
    EXPECT_NE(late.body.find("never sent again after its week has closed"), std::string::npos)
        << late.body;
    // The week page's button, sent after the week closed (a page left open): refused in French,
    // the closing time in the campaign's zone as the week's header gives it.
    const auto late_click = later.call("POST", "/campaigns/1/weeks/1/resend/failed", "",
                                       {"default"}, "application/x-www-form-urlencoded");
    EXPECT_EQ(late_click.status, 409);
    EXPECT_NE(late_click.body.find("fermée le mar. 15 janv. 2019, 08:00 (Africa/Bamako)"),
              std::string::npos)
        << late_click.body;
}

// A price table is imported by staff from the console's page and the API, up to its own size
// limit (larger than a form's 1 MiB, smaller than a contacts file's); an auditor cannot.
TEST_F(Api, staff_import_a_price_table_up_to_its_own_size_limit) {
    add_user_cli("awa", "staff", k_staff_password);
    add_user_cli("fatou", "auditor", k_auditor_password);
    start_console();
    auto staff = as("awa", k_staff_password);
    auto auditor = as("fatou", k_auditor_password);
    // Some 2 MiB of rows: one market per row.
    std::string csv = "date,commodity,market,price_min,price_max\n";
    int rows = 0;
    while (csv.size() < (std::size_t{2} << 20)) {
        csv += "2019-01-05,sesame,Market " + std::to_string(++rows) + ",600,650\n";
    }
    const auto api = staff.call("POST", "/api/v1/prices/import?name=big.csv", csv);
    ASSERT_EQ(api.status, 200) << api.body.substr(0, 300);
    EXPECT_EQ(api.json().value("added", -1), rows);
    // The page's form: the same file as a browser sends it, the session's CSRF token among its
    // parts (so that only the role can refuse it).
    const std::string boundary = "----kibaru-test";
    const auto form = [&](ApiClient& client) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" +
               client.csrf() + "\r\n--" + boundary +
               "\r\nContent-Disposition: form-data; name=\"file\"; "
               "filename=\"prix.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
               csv + "\r\n--" + boundary + "--\r\n";
    };
    const auto type = "multipart/form-data; boundary=" + boundary;
    const auto page =
        staff.call("POST", "/prices", form(staff), {"Origin: " + staff.origin()}, type);
    EXPECT_EQ(page.status, 200) << page.body.substr(0, 300);
    EXPECT_NE(page.body.find("prix ajoutés : 0 ; remplacés : "), std::string::npos)
        << "the same rows again replace the first import's";
    EXPECT_NE(page.body.find("lignes refusées : 0."), std::string::npos);
    EXPECT_EQ(auditor.call("POST", "/prices", form(auditor), {"Origin: " + auditor.origin()}, type)
                  .status,
              403);
    EXPECT_EQ(
        staff.call("POST", "/prices", "", {"default"}, "application/x-www-form-urlencoded").status,
        422)
        << "no file: said so on the page";
    // Past 8 MiB: refused before it is read.
    std::string huge = csv;
    while (huge.size() <= (std::size_t{8} << 20)) {
        huge += csv;
    }
    EXPECT_EQ(staff.call("POST", "/api/v1/prices/import", huge).status, 413);
    EXPECT_EQ(sql("SELECT count(*) FROM prices"), std::to_string(rows));
    EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'prices.imported'"), "2");
}

// An import's file is read only from someone signed in: checked on the header, before the
// body, so that a client that has not signed in cannot make the console hold a file's worth of
// memory per connection (256 connections, 100 MiB each by default).
TEST_F(Api, a_file_from_someone_not_signed_in_is_refused_before_it_is_read) {
    add_user_cli("awa", "staff", k_staff_password);
    add_user_cli("fatou", "auditor", k_auditor_password);
    start_console();
    const std::string csv = "phone,name,commodities\n" + std::string(3 << 20, ' ') + "\n";
    ApiClient stranger(s, port);
    const auto api = stranger.call("POST", "/api/v1/contacts/import?name=c.csv", csv);
    EXPECT_EQ(api.status, 401) << api.body;
    EXPECT_NE(api.body.find("sign in first"), std::string::npos) << api.body;
    const auto page = stranger.call("POST", "/contacts/import", csv, {"default"},
                                    "multipart/form-data; boundary=x");
    EXPECT_EQ(page.status, 303);
    EXPECT_NE(page.headers.find("Location: /login"), std::string::npos) << page.headers;
    const auto form_page = stranger.call("GET", "/contacts/import", "", {});
    EXPECT_EQ(form_page.status, 303) << "a GET of the import page, signed out";
    EXPECT_NE(form_page.headers.find("next=%2Fcontacts%2Fimport"), std::string::npos)
        << "keeps where it was going: " << form_page.headers;
    auto forged = stranger.call("POST", "/api/v1/prices/import", csv,
                                {"Cookie: kibaru_session=forged", "Authorization: Bearer forged"});
    EXPECT_EQ(forged.status, 401);
    auto auditor = as("fatou", k_auditor_password);
    EXPECT_EQ(auditor.call("POST", "/api/v1/contacts/import?name=c.csv", csv).status, 403);
    auto staff = as("awa", k_staff_password);
    const auto allowed =
        staff.call("POST", "/api/v1/contacts/import?name=c.csv",
                   "phone,name,commodities\n76000001,Awa,sesame\n" + std::string(2 << 20, '\n'));
    EXPECT_EQ(allowed.status, 200) << allowed.body.substr(0, 300);
    EXPECT_EQ(sql("SELECT count(*) FROM contacts"), "1");
}

// The API's JSON is the CLI's --format json, key for key and value for value.
TEST_F(Api, the_apis_json_equals_the_clis_json_for_the_same_data) {
    add_user_cli("awa", "staff", k_staff_password);
    start_console();
    auto staff = as("awa", k_staff_password);
    prepare_campaign(staff);
    ASSERT_EQ(k({"run-once"}, "2019-01-08T09:00:00Z").exit_code, 0);
    // Prices imported through the API as `prices import` takes them: one refused row named.
    const auto imported = staff.call(
        "POST", "/api/v1/prices/import?name=prix.csv",
        "Date;Produit;March\xC3\xA9;Prix min;Prix max\r\n05/01/2019;S\xC3\xA9same;Kita;600;650\r\n"
        "05/01/2019;S\xC3\xA9same;San;1,250;1300\r\n12/01/2019;riz;Kita;300;325,5\r\n");
    ASSERT_EQ(imported.status, 200) << imported.body;
    EXPECT_EQ(imported.json(), json::parse(R"j({"file": "prix.csv", "added": 2, "replaced": 0,
        "rejected": 1, "windows1252_rows": 0, "rejects": [{"line": 3, "field": "price_min",
        "reason": "\"1,250\" is not a price (write 1250 or 1250,5; not 1,250)"}]})j"));
    const auto not_prices = staff.call("POST", "/api/v1/prices/import", "phone,name\n");
    EXPECT_EQ(not_prices.status, 422) << not_prices.body;
    auto cli = [&](std::vector<std::string> args) {
        args.insert(args.end(), {"--format", "json"});
        const auto r = k(args, "2019-01-08T09:00:00Z");
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out, nullptr, false);
    };
    const std::vector<std::pair<std::vector<std::string>, std::string>> pairs = {
        {{"campaign", "list"}, "/api/v1/campaigns"},
        {{"campaign", "show", "1"}, "/api/v1/campaigns/1"},
        {{"campaign", "preview", "1", "--week", "1"}, "/api/v1/campaigns/1/preview?week=1"},
        {{"messages", "list", "1"}, "/api/v1/campaigns/1/messages"},
        {{"report", "campaign", "1"}, "/api/v1/campaigns/1/report"},
        {{"report", "deliveries", "--campaign", "1"}, "/api/v1/deliveries?campaign=1"},
        {{"report", "contact", "76000002"}, "/api/v1/contacts/76000002/report"},
        {{"audit", "export"}, "/api/v1/audit"},
        {{"prices", "list"}, "/api/v1/prices"},
    };
    for (const auto& [args, path] : pairs) {
        const auto api = staff.get(path);
        ASSERT_EQ(api.status, 200) << path << api.body;
        EXPECT_EQ(api.json(), cli(args)) << path;
    }
    auto status_cli = cli({"status"});
    auto status_api = staff.get("/api/v1/status").json();
    EXPECT_EQ(status_api, status_cli);
}

// An auditor with a copy of the database: signs in (the session lives in the console's memory),
// reads everything, can change nothing, and the file's bytes stay as they were.
TEST_F(Api, a_read_only_console_reads_everything_and_leaves_the_file_unchanged) {
    add_user_cli("fatou", "auditor", k_auditor_password);
    start_console();
    {
        auto admin = as("admin", k_admin_password);
        prepare_campaign(admin);
    }
    stop_console();
    ASSERT_EQ(k({"run-once"}, "2019-01-08T09:00:00Z").exit_code, 0);
    // The auditor's copy, checkpointed into one file as a copy would be taken.
    s.sql("PRAGMA wal_checkpoint(TRUNCATE)");
    std::filesystem::copy_file(s.path("kibaru.db"), s.path("copy.db"));
    auto digest = [&] { return run_process({"sha256sum", "copy.db"}, s.dir(), {}).out; };
    const auto before = digest();
    start_console({"--read-only"}, "copy.db");
    auto auditor = as("fatou", k_auditor_password);
    for (const char* path : {"/api/v1/status", "/api/v1/campaigns/1/report",
                             "/api/v1/deliveries?format=csv", "/api/v1/audit?format=json",
                             "/api/v1/contacts?limit=5", "/api/v1/contacts/76000001/report",
                             "/prices"}) { // the page whose POST takes a file: its GET is read
        EXPECT_EQ(auditor.get(path).status, 200) << path;
    }
    EXPECT_EQ(auditor.post("/api/v1/audit/verify").json()["ok"], true);
    const auto checkpoint = auditor.get("/api/v1/audit/checkpoint").json();
    EXPECT_GT(checkpoint["seq"].get<int>(), 0);
    EXPECT_EQ(checkpoint["head"].get<std::string>().size(), 64u);
    EXPECT_EQ(checkpoint["text"].get<std::string>().rfind("KIBARU AUDIT ", 0), 0u);
    auto admin = as("admin", k_admin_password);
    const auto refused = admin.post("/api/v1/campaigns/1/pause");
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_NE(refused.json().value("message", "").find("read-only"), std::string::npos);
    EXPECT_EQ(admin.call("DELETE", "/api/v1/session").status, 200);
    EXPECT_EQ(admin.get("/api/v1/status").status, 401) << "signed out";
    stop_console();
    EXPECT_EQ(digest(), before) << "the copy's bytes are unchanged";
}

// A read-only console on the live file (an auditor's console beside the daemon) keeps its
// sessions in memory: a user disabled or given a new password in the file is signed out there.
TEST_F(Api, a_read_only_console_ends_the_sessions_the_file_ends) {
    add_user_cli("fatou", "auditor", k_auditor_password);
    add_user_cli("sidi", "auditor", k_auditor_password);
    start_console({"--read-only"});
    auto fatou = as("fatou", k_auditor_password);
    auto sidi = as("sidi", k_auditor_password);
    EXPECT_EQ(fatou.get("/api/v1/status").status, 200);
    EXPECT_EQ(sidi.get("/api/v1/status").status, 200);
    ASSERT_EQ(k({"users", "disable", "fatou"}).exit_code, 0);
    const auto changed = run_process({"bash", "-c",
                                      "printf 'another-pass-2019\\n' | " + std::string(KIBARU_BIN) +
                                          " --config k.toml --db kibaru.db users passwd sidi "
                                          "--password-stdin"},
                                     s.dir(), {"KIBARU_CONFIG="});
    ASSERT_EQ(changed.exit_code, 0) << changed.err;
    EXPECT_EQ(fatou.get("/api/v1/status").status, 401) << "disabled in the file";
    EXPECT_EQ(sidi.get("/api/v1/status").status, 401) << "a new password in the file";
}

// SPEC "Audit checkpoints witnessed outside the server": when a week closes the daemon texts the
// checkpoint to each witness through the gateway, and the audit page lists what was sent and
// whether it reached its witness.
TEST_F(Api, the_audit_page_lists_the_checkpoints_texted_to_the_witnesses) {
    s.write("k.toml", s.read("k.toml") + "[audit]\nwitnesses = [\"+22376999001\"]\n");
    start_console();
    auto admin = as("admin", k_admin_password);
    EXPECT_NE(admin.get("/audit").body.find("Aucun pour"), std::string::npos)
        << "none sent yet, and the page says how to get them";
    prepare_campaign(admin);
    ASSERT_EQ(k({"run-once"}, "2019-01-08T09:00:00Z").exit_code, 0);
    const auto closed = k({"run-once"}, "2019-01-15T09:00:00Z"); // week 1 is over
    ASSERT_EQ(closed.exit_code, 0) << closed.err;
    ASSERT_EQ(sql("SELECT count(*) FROM replies WHERE kind = 'checkpoint'"), "1");
    const auto text = sql("SELECT text FROM replies WHERE kind = 'checkpoint'");
    EXPECT_EQ(sql("SELECT state FROM replies WHERE kind = 'checkpoint'"), "sent");
    EXPECT_NE(s.read("accepted.txt").find("22376999001"), std::string::npos)
        << "the gateway took the checkpoint for the witness";
    const auto page = admin.get("/audit");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Points de contrôle envoyés aux témoins"), std::string::npos);
    EXPECT_NE(page.body.find(text), std::string::npos) << text;
    EXPECT_NE(page.body.find("+22376999001"), std::string::npos);
    EXPECT_NE(page.body.find(">envoyé<"), std::string::npos) << "its state, in words";
}

// The daemon serves the console on its own listener, apart from the gateway callbacks.
TEST_F(Api, the_daemon_serves_the_console_beside_its_callbacks) {
    const int callbacks = kibaru::test::free_port();
    auto config = s.read("k.toml");
    config.replace(config.find("127.0.0.1:0"), 11, "127.0.0.1:" + std::to_string(callbacks));
    s.write("k.toml", config);
    Background daemon({KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "--now",
                       "2019-01-08T09:00:00Z", "daemon"},
                      s.dir(), {"KIBARU_CONFIG=", "KIBARU_CALLBACK_TOKEN=tok"});
    ASSERT_TRUE(
        eventually([&] { return ApiClient(s, port).get("/api/v1/status").status == 401; }, 15));
    auto admin = as("admin", k_admin_password);
    EXPECT_EQ(admin.get("/api/v1/status").status, 200);
    EXPECT_EQ(run_process({"curl", "-s",
                           "http://127.0.0.1:" + std::to_string(callbacks) + "/api/v1/status"},
                          s.dir(), {})
                  .out,
              "not found\n")
        << "the API is not on the callback listener";
    EXPECT_EQ(daemon.stop(SIGTERM), 0);
}

// With [console] tls_cert and tls_key the console speaks HTTPS only, and its cookie is Secure.
TEST_F(Api, the_console_speaks_https_when_given_a_certificate_and_key) {
    const auto made =
        run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                     "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1"},
                    s.dir(), {});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    auto config = s.read("k.toml");
    const std::string plain = "public_url = \"http:";
    config.replace(config.find(plain), plain.size(), "public_url = \"https:");
    config.insert(config.find("[log]"), "tls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n");
    s.write("k.toml", config);
    console = std::make_unique<Background>(
        std::vector<std::string>{KIBARU_BIN, "--config", "k.toml", "--db", "kibaru.db", "console"},
        s.dir(), std::vector<std::string>{"KIBARU_CONFIG="});
    ASSERT_TRUE(eventually(
        [&] { return ApiClient(s, port, "t", "https").get("/api/v1/status").status == 401; }, 15))
        << s.read("kibaru.log");
    ApiClient admin(s, port, "admin", "https");
    const auto r = admin.call("POST", "/api/v1/session",
                              json{{"name", "admin"}, {"password", k_admin_password}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.headers.find("; Secure"), std::string::npos) << r.headers;
    EXPECT_EQ(ApiClient(s, port).get("/api/v1/status").status, 0) << "no plain HTTP on it";
}
