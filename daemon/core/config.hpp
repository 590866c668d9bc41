// Kibaru's configuration as typed values, with the defaults of SPEC.md. Loading and validating
// the TOML file lives in app/config_loader; this header is plain data so every layer can use it.
#pragma once

#include "core/reply_templates.hpp"

#include <string>
#include <utility>
#include <vector>

namespace kibaru::core {

// When a commit reaches the disk (PRAGMA synchronous, WAL mode). `full` syncs the WAL at every
// commit: a power cut loses nothing committed, so a delivery claimed before its request left
// never looks unclaimed afterwards. `normal` syncs only at checkpoints: faster, but a power cut
// may lose the last commits (never corrupt the file) and with them a claim: an SMS sent twice.
enum class Synchronous { full, normal };

struct DatabaseConfig {
    std::string path = "var/kibaru.db";
    int busy_timeout_ms = 5000;
    Synchronous synchronous = Synchronous::full;
};

// [backup]: the copies the daemon takes by itself (`kibaru backup FILE` takes one by hand).
struct BackupConfig {
    std::string dir;      // "" for backups/ beside the database
    int every_hours = 24; // 0: the daemon takes none
    int keep = 14;        // the newest this many kibaru-*.db files stay; older ones are deleted
};

struct ContactsConfig {
    std::string default_region = "ML";
    std::vector<std::string> languages = {"fr", "bm"};
    // Mobile ranges opened after the built-in numbering plan: "+22386" or "+22386:orange".
    std::vector<std::string> extra_mobile_prefixes;
    // Values as people write them in spreadsheets, per canonical value; compared without case
    // or accents ("Sésame" is sesame already).
    std::vector<std::pair<std::string, std::vector<std::string>>> commodity_aliases = {
        {"sesame", {"SESAM"}}, {"rice", {"RIZ", "PADDY"}}, {"fonio", {}}};
    std::vector<std::pair<std::string, std::vector<std::string>>> kind_aliases = {
        {"producer", {"PRODUCTEUR", "PRODUCTRICE"}},
        {"po", {"OP", "COOPERATIVE", "ORGANISATION PAYSANNE", "UNION"}},
        {"mpe", {"PME", "ENTREPRISE", "PETITE ENTREPRISE"}},
        {"seed_company", {"SEMENCIER", "SOCIETE SEMENCIERE"}},
        {"other", {"AUTRE"}}};
};

struct ScheduleConfig {
    std::string timezone = "Africa/Bamako";
    std::string send_hours = "07:00-20:00";
};

struct SmsConfig {
    std::string sender = "KIBARU";
    std::string encoding = "auto";
    int max_segments = 3;
    double cost_per_segment = 15;
    std::string currency = "XOF";
};

struct GenericGatewayConfig {
    std::string method = "POST";
    std::string url = "http://127.0.0.1:9000/send";
    std::string content_type = "application/json";
    std::string body = R"({"to":"{to}","text":"{text}","ref":"{ref}"})";
    std::vector<std::string> headers = {"Authorization: Bearer {secret}"};
    std::string message_id = "/id";
    std::string message_id_regex;
};

struct GatewayConfig {
    // [[gateways]] only: which numbers this gateway takes (operators and/or E.164 prefixes; both
    // empty = any number) and its rank among those that take a number (lower is tried first).
    // The single [gateway] table is one gateway named "default" that takes every number.
    std::string name = "default";
    std::vector<std::string> operators;
    std::vector<std::string> prefixes;
    int priority = 1;
    std::string profile = "kannel";
    std::string url = "http://127.0.0.1:13013/cgi-bin/sendsms";
    std::string username = "kibaru";
    std::string password_env = "KIBARU_GW_PASSWORD";
    double rate_per_second = 20;
    int max_in_flight = 16;
    int timeout_ms = 10000;
    int max_attempts = 5;
    int backoff_initial_ms = 1000;
    int backoff_max_ms = 300000;
    // An `unknown` delivery (the process stopped while its request was out): "never" resent,
    // "always" at once on restart, or "after_grace": when no report came in the grace.
    std::string resend_unknown = "never";
    int unknown_grace_seconds = 600;
    int breaker_threshold = 20;      // consecutive transient failures that open the circuit
    int breaker_cooldown_ms = 30000; // first probe after this long; doubles per failed probe
    int breaker_max_cooldown_ms = 300000;
    GenericGatewayConfig generic;
    // profile "orange": the OAuth2 client id and secret (environment variable names; the secret
    // is client_secret_env, not password_env) and the number it sends from.
    std::string client_id_env = "KIBARU_ORANGE_CLIENT_ID";
    std::string client_secret_env = "KIBARU_ORANGE_CLIENT_SECRET";
    std::string sender_number;
};

// [audit]: the funder's witnesses, who receive the audit checkpoint by SMS, and how often.
struct AuditConfig {
    std::vector<std::string> witnesses;    // E.164 phones
    std::string checkpoint_every = "week"; // "week" (when a campaign week closes) or "day"
};

struct RoutingConfig {
    // When a number's first gateway certainly did not accept a message (circuit open, connection
    // refused, a 4xx refusal), the next gateway that takes the number carries it.
    bool failover = true;
};

struct ServerConfig {
    std::string listen = "127.0.0.1:8080";
    std::string public_url = "http://127.0.0.1:8080";
    std::string token_env = "KIBARU_CALLBACK_TOKEN";
    // Connections served at once; more wait in the kernel's listen backlog (never refused).
    int max_connections = 1024;
    int listen_backlog = 1024;      // capped by the kernel's net.core.somaxconn
    int request_timeout_ms = 10000; // to read one request once it has begun, or write its answer
    int idle_timeout_ms = 30000;    // a kept-alive connection waiting for its next request
};

struct ConsoleConfig {
    bool enabled = true;
    std::string listen = "127.0.0.1:8090"; // the console and /api/v1, apart from the callbacks
    std::string public_url = "http://127.0.0.1:8090"; // its origin, for the CSRF check
    int session_idle_minutes = 720;
    std::string tls_cert; // PEM paths; when both are set the console speaks HTTPS
    std::string tls_key;
    int upload_max_mb = 100; // a contacts import sent to the API
};

struct InboundConfig {
    std::vector<std::string> stop_keywords = {"STOP", "ARRET", "ARRÊT", "DABILA"};
    std::vector<std::string> start_keywords = {"START", "DEMARRER"};
    std::string stop_reply;  // confirmation sent back after a STOP ("" for none)
    std::string start_reply; // confirmation sent back after a START ("" for none)
};

// [keywords]: what producers may ask by SMS (SPEC.md "Two-way SMS"). Words are compared
// folded (core::fold_keyword: upper case, accents and Bambara letters folded).
struct KeywordsConfig {
    std::vector<std::string> price = {"PRIX", "PRI", "SONGO", "SƆNGƆ"};
    std::vector<std::string> subscribe = {"ABONNER", "ABONNE", "INSCRIRE"};
    std::vector<std::string> unsubscribe = {"DESABONNER"};
    std::vector<std::string> help = {"AIDE", "INFO", "HELP", "DEME"};
    // Each commodity (as contacts and campaigns name it) with the words producers write for it.
    std::vector<std::pair<std::string, std::vector<std::string>>> commodity_words = {
        {"sesame", {"SESAME", "BENE", "BƐNƐ"}},
        {"rice", {"RIZ", "MALO"}},
        {"fonio", {"FONIO", "FINI"}}};
    int replies_per_day = 5;       // per phone; beyond it a message is stored, not answered
    bool answer_strangers = false; // reply to numbers that are not contacts
    // The directory of the reply texts, replies.<lang>.txt (relative to where kibaru runs). ""
    // looks in templates/, then <binary>/../share/kibaru/templates, then
    // /usr/share/kibaru/templates, else uses the built-in texts (app/config_loader).
    std::string reply_templates_dir;
};

struct LogConfig {
    std::string level = "info";
    std::string file = "var/log/kibaru.log";
    bool mask_phones = true;
    int max_file_bytes = 10 << 20;
    int max_files = 5;
};

struct Config {
    std::string source; // the file it was read from, or "(defaults)"
    DatabaseConfig database;
    BackupConfig backup;
    ContactsConfig contacts;
    ScheduleConfig schedule;
    SmsConfig sms;
    GatewayConfig gateway; // [gateway]: the single gateway, or every [[gateways]] entry's defaults
    std::vector<GatewayConfig> gateways; // [[gateways]]; empty with the single [gateway] form
    RoutingConfig routing;
    AuditConfig audit;
    ServerConfig server;
    ConsoleConfig console;
    InboundConfig inbound;
    KeywordsConfig keywords;
    LogConfig log;
    // The automatic replies' texts per language: the built-in ones, or those app::load_config
    // read from [keywords] reply_templates_dir once, when the configuration was loaded.
    ReplyTemplates replies;
};

// The gateways that send: the [[gateways]] entries when given, else the single [gateway].
inline std::vector<GatewayConfig> sending_gateways(const Config& config) {
    return config.gateways.empty() ? std::vector<GatewayConfig>{config.gateway} : config.gateways;
}

} // namespace kibaru::core
