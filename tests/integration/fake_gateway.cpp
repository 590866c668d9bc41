// A loopback SMS gateway for fault injection, beside (not instead of) the real Kannel: it answers
// like Kannel's sendsms ("0: Accepted for delivery") or with the fault its route or its random
// mix asks for, and records every request it accepted, so tests can prove that each delivery
// was accepted exactly once. Boost.Beast, one thread, keep-alive.
//
//   fake_gateway [--port N] [--port-file F] [--record F] [--seed N] [--p500 P] [--p429 P] [--preset
//   P]
//                [--phang P] [--retry-after S] [--slow-ms N] [--reject PHONE]... [--max-seconds N]
//                [--refuse-for S] [--report] [--report-journal F] [--orange-client ID:SECRET]
//                [--orange-revoke-every N] [--longest-gap F] [--record-texts F]
//
// Routes (the path's first segment): /ok, /500, /429 (with Retry-After), /403 (refuses every
// message, as a gateway with a revoked account does), /slow, /hang (never answers), /reset
// (closes the connection with RST), /mix (the random mix of the --p options).
// Numbers given with --reject get 400 on any route; for --refuse-for seconds after its start it
// refuses every message with 403 (an account suspended for a while). With --report it posts a
// delivery report ("delivered", type 1) to each accepted message's Kannel dlr-url, as an SMSC
// would, and retries one that fails (the daemon may be down) every 250 ms for up to 5 minutes,
// as Kannel's http-request-retry does; with --report-journal F the reports it still owes survive
// its own death (see Reporter). Under /orange it plays the Orange SMS API:
// POST /orange/oauth/v3/token (Basic auth with --orange-client) hands out a bearer token,
// POST /orange/smsmessaging/v1/outbound/<sender>/requests takes a JSON outboundSMSMessageRequest
// with the current token (401 otherwise) and answers 201 with its resourceURL; every
// --orange-revoke-every accepted messages the token stops working (as when it expires); with
// --report the deliveryInfoNotification is posted as JSON to the request's notifyURL. The record
// file gets one line per accepted request: "<ref> <to>", appended, so a gateway restarted on the
// same --port (an outage) keeps one record. With --longest-gap F, F holds the longest wait in
// milliseconds between two accepted requests (a sender's stall) and how many waits passed
// 100 ms, as "<ms> <count>", rewritten at each new longest or new wait over 100 ms.
// With --record-texts F each accepted Kannel-style request also appends "<to> <text>" to F: what
// the phone would show (a witness's checkpoints, say).
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Settings {
    double p500 = 0, p429 = 0, preset = 0, phang = 0;
    int retry_after = 1;
    int slow_ms = 2000;
    std::set<std::string> reject;
    std::string record_path;
    int max_seconds = 3600;
    unsigned seed = 1;
    int refuse_for_seconds = 0;
    bool report = false;
    std::string report_journal;
    std::string orange_client; // "id:secret"
    int orange_revoke_every = 0;
    std::string longest_gap_path;
    std::string texts_path;
};

// Posts delivery reports from its own thread, one blocking request at a time, each retried
// until the receiver answers 2xx: the gateway's loop never waits for Kibaru. With a journal file
// every report is written there before the message is acknowledged, and marked done once the
// receiver took it, so a gateway killed and restarted with the same journal still posts the
// reports it owed (an operator's SMSC keeps its delivery reports across its front end's restart:
// the handset's receipt does not vanish with it). Lines: "P <url>\t<json>" and "D <n>", n counting
// the P lines from 0.
class Reporter {
public:
    explicit Reporter(std::string journal_path) {
        if (!journal_path.empty()) {
            load(journal_path);
            m_journal.open(journal_path, std::ios::app);
        }
        m_thread = std::thread([this] { run(); });
    }
    ~Reporter() {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    Reporter(const Reporter&) = delete;
    Reporter& operator=(const Reporter&) = delete;
    // A GET of `url`, or with `json` a POST of it.
    void post(std::string url, std::string json = "") {
        {
            std::lock_guard lock(m_mutex);
            if (m_journal.is_open()) {
                m_journal << "P " << url << '\t' << json << '\n' << std::flush;
            }
            m_queue.push_back({m_posted++, std::move(url), std::move(json)});
        }
        m_wake.notify_one();
    }

private:
    struct Report {
        long number = 0;
        std::string url;
        std::string json;
    };
    void load(const std::string& path) {
        std::ifstream in(path);
        std::vector<Report> posted;
        std::set<long> done;
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("P ", 0) == 0) {
                const auto tab = line.find('\t');
                posted.push_back({static_cast<long>(posted.size()), line.substr(2, tab - 2),
                                  tab == std::string::npos ? "" : line.substr(tab + 1)});
            } else if (line.rfind("D ", 0) == 0) {
                done.insert(std::stol(line.substr(2)));
            }
        }
        m_posted = static_cast<long>(posted.size());
        for (auto& report : posted) {
            if (!done.contains(report.number)) {
                m_queue.push_back(std::move(report));
            }
        }
    }
    static bool deliver(const Report& report) {
        const auto& url = report.url;
        // http://HOST:PORT/PATH?QUERY, as Kibaru builds it.
        const auto rest = url.substr(url.find("://") + 3);
        const auto slash = rest.find('/');
        const auto authority = rest.substr(0, slash);
        const auto colon = authority.rfind(':');
        try {
            asio::io_context io;
            beast::tcp_stream stream(io);
            stream.expires_after(std::chrono::seconds(5));
            tcp::resolver resolver(io);
            stream.connect(
                resolver.resolve(authority.substr(0, colon), authority.substr(colon + 1)));
            http::request<http::string_body> request(
                report.json.empty() ? http::verb::get : http::verb::post, rest.substr(slash), 11);
            request.set(http::field::host, authority);
            if (!report.json.empty()) {
                request.set(http::field::content_type, "application/json");
                request.body() = report.json;
                request.prepare_payload();
            }
            http::write(stream, request);
            beast::flat_buffer buffer;
            http::response<http::string_body> response;
            http::read(stream, buffer, response);
            return response.result_int() / 100 == 2;
        } catch (const std::exception&) {
            return false;
        }
    }
    void run() {
        for (;;) {
            Report report;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
                if (m_queue.empty()) {
                    return;
                }
                report = std::move(m_queue.front());
                m_queue.pop_front();
            }
            for (int attempt = 0; attempt < 1200 && !deliver(report); ++attempt) {
                std::this_thread::sleep_for(std::chrono::milliseconds(250));
            }
            std::lock_guard lock(m_mutex);
            if (m_journal.is_open()) {
                m_journal << "D " << report.number << '\n' << std::flush;
            }
        }
    }
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Report> m_queue;
    std::ofstream m_journal;
    long m_posted = 0;
    bool m_stopping = false;
    std::thread m_thread;
};

struct Gateway {
    Settings settings;
    std::mt19937 random;
    std::ofstream record;
    std::ofstream texts;
    long accepted = 0;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::unique_ptr<Reporter> reporter;
    int orange_tokens = 0;       // handed out so far
    std::string orange_token;    // the one that works now ("" after a revocation)
    long orange_since_token = 0; // messages accepted with it
    std::optional<std::chrono::steady_clock::time_point> last_accepted;
    std::chrono::steady_clock::duration longest_gap{};
    long gaps_over_100ms = 0;

    // Called for each accepted request: the sender's longest stall so far and how many stalls
    // passed 100 ms, kept in a file.
    void accepted_now() {
        ++accepted;
        const auto now = std::chrono::steady_clock::now();
        if (last_accepted && !settings.longest_gap_path.empty()) {
            const auto gap = now - *last_accepted;
            const bool over = gap > std::chrono::milliseconds(100);
            gaps_over_100ms += over ? 1 : 0;
            if (gap > longest_gap || over) {
                longest_gap = std::max(longest_gap, gap);
                std::ofstream(settings.longest_gap_path)
                    << std::chrono::duration<double, std::milli>(longest_gap).count() << " "
                    << gaps_over_100ms << "\n";
            }
        }
        last_accepted = now;
    }
};

std::string base64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += {k[n >> 18], k[(n >> 12) & 63], k[(n >> 6) & 63], k[n & 63]};
    }
    if (i + 1 == in.size()) {
        const unsigned n = static_cast<unsigned char>(in[i]) << 16;
        out += {k[n >> 18], k[(n >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8);
        out += {k[n >> 18], k[(n >> 12) & 63], k[(n >> 6) & 63], '='};
    }
    return out;
}

// Kannel's escapes in a dlr-url, filled for a "delivered" report.
std::string fill_report(std::string url, const std::string& ref) {
    for (const auto& [code, value] : {std::pair<std::string, std::string>{"%d", "1"},
                                      {"%T", "1546938000"},
                                      {"%A", "ACK%2F"},
                                      {"%F", "fake-" + ref}}) {
        for (auto at = url.find(code); at != std::string::npos; at = url.find(code, at)) {
            url.replace(at, code.size(), value);
            at += value.size();
        }
    }
    return url;
}

std::string url_decode(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size()) {
            out.push_back(
                static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else if (in[i] == '+') {
            out.push_back(' ');
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

// The value of `name` in a query string or form body ("a=1&b=2"), decoded.
std::string param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name && eq != std::string_view::npos) {
            return url_decode(pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return "";
}

// Our {ref} travels in Kannel's dlr-url ("...?token=..&ref=42&type=%d"), or as a plain "ref"
// parameter or JSON field for the generic profile.
std::string find_ref(std::string_view query, std::string_view body) {
    if (auto dlr = param(query, "dlr-url"); !dlr.empty()) {
        const auto q = dlr.find('?');
        if (auto ref = param(std::string_view(dlr).substr(q + 1), "ref"); !ref.empty()) {
            return ref;
        }
    }
    if (auto ref = param(query, "ref"); !ref.empty()) {
        return ref;
    }
    const auto at = body.find("\"ref\":\"");
    if (at != std::string_view::npos) {
        const auto start = at + 7;
        return std::string(body.substr(start, body.find('"', start) - start));
    }
    return param(body, "ref");
}

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, Gateway& gateway)
        : m_stream(std::move(socket)), m_gateway(gateway), m_timer(m_stream.get_executor()) {}

    void start() { read(); }

private:
    void read() {
        m_request = {};
        http::async_read(m_stream, m_buffer, m_request,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (!ec) {
                                 self->handle();
                             }
                         });
    }

    void handle() {
        const std::string target(m_request.target());
        const auto q = target.find('?');
        const std::string path = target.substr(0, q);
        const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
        const std::string route = path.substr(0, path.find('/', 1));
        std::string to = param(query, "to");
        if (to.empty()) {
            to = param(m_request.body(), "to");
        }
        const std::string ref = find_ref(query, m_request.body());

        if (route == "/orange") {
            return orange(path);
        }
        std::string behaviour = route;
        if (route == "/mix") {
            const double roll = std::uniform_real_distribution<double>(0, 1)(m_gateway.random);
            const auto& s = m_gateway.settings;
            behaviour = roll < s.p500                                 ? "/500"
                        : roll < s.p500 + s.p429                      ? "/429"
                        : roll < s.p500 + s.p429 + s.preset           ? "/reset"
                        : roll < s.p500 + s.p429 + s.preset + s.phang ? "/hang"
                                                                      : "/ok";
        }
        if (m_gateway.settings.refuse_for_seconds > 0 &&
            std::chrono::steady_clock::now() - m_gateway.started <
                std::chrono::seconds(m_gateway.settings.refuse_for_seconds)) {
            return respond(http::status::forbidden, "Account suspended");
        }
        if (m_gateway.settings.reject.count(to)) {
            return respond(http::status::bad_request, "Invalid receiver number");
        }
        if (behaviour == "/403") {
            return respond(http::status::forbidden, "Authorization failed");
        }
        if (behaviour == "/500") {
            return respond(http::status::internal_server_error, "Temporal failure, try again");
        }
        if (behaviour == "/429") {
            return respond(http::status::too_many_requests, "Too many requests",
                           m_gateway.settings.retry_after);
        }
        if (behaviour == "/reset") {
            beast::get_lowest_layer(m_stream).socket().set_option(
                asio::socket_base::linger(true, 0));
            beast::get_lowest_layer(m_stream).socket().close();
            return;
        }
        if (behaviour == "/hang") {
            read_until_closed(); // never answer; the client times out
            return;
        }
        auto accept = [self = shared_from_this(), ref, to, query] {
            self->m_gateway.accepted_now();
            if (self->m_gateway.record.is_open()) {
                self->m_gateway.record << ref << ' ' << to << '\n' << std::flush;
            }
            if (self->m_gateway.texts.is_open()) {
                self->m_gateway.texts << to << ' ' << param(query, "text") << '\n' << std::flush;
            }
            if (self->m_gateway.reporter) {
                if (auto dlr = param(query, "dlr-url"); !dlr.empty()) {
                    self->m_gateway.reporter->post(fill_report(dlr, ref));
                }
            }
            self->respond(http::status::accepted, "0: Accepted for delivery");
        };
        if (behaviour == "/slow") {
            m_timer.expires_after(std::chrono::milliseconds(m_gateway.settings.slow_ms));
            m_timer.async_wait([accept](beast::error_code ec) {
                if (!ec) {
                    accept();
                }
            });
            return;
        }
        accept();
    }

    // The Orange SMS API: a token for the right client credentials; a message for the current
    // token, recorded and answered 201.
    void orange(const std::string& path) {
        auto& g = m_gateway;
        const std::string authorization(m_request[http::field::authorization]);
        if (path == "/orange/oauth/v3/token") {
            if (authorization != "Basic " + base64(g.settings.orange_client)) {
                return respond(http::status::unauthorized, R"({"error":"invalid_client"})");
            }
            g.orange_token = "tok-" + std::to_string(++g.orange_tokens);
            g.orange_since_token = 0;
            return respond(http::status::ok, nlohmann::json{{"token_type", "Bearer"},
                                                            {"access_token", g.orange_token},
                                                            {"expires_in", "3600"}}
                                                 .dump());
        }
        if (path.find("/orange/smsmessaging/v1/outbound/") != 0) {
            return respond(http::status::not_found, "{}");
        }
        if (g.orange_token.empty() || authorization != "Bearer " + g.orange_token) {
            return respond(http::status::unauthorized,
                           R"({"requestError":{"policyException":{"messageId":"POL0001",)"
                           R"("text":"Invalid access token"}}})");
        }
        const auto body = nlohmann::json::parse(m_request.body(), nullptr, false);
        const auto object = [](const nlohmann::json& j, const char* key) {
            return j.is_object() && j.contains(key) && j[key].is_object()
                       ? j[key]
                       : nlohmann::json::object();
        };
        const auto request = object(body, "outboundSMSMessageRequest");
        const auto receipt = object(request, "receiptRequest");
        const std::string to = request.value("address", "");
        const std::string ref = receipt.value("callbackData", "");
        if (to.rfind("tel:+", 0) != 0 || ref.empty()) {
            return respond(http::status::bad_request,
                           R"({"requestError":{"serviceException":{"messageId":"SVC0002",)"
                           R"("text":"Invalid input value"}}})");
        }
        g.accepted_now();
        if (g.record.is_open()) {
            g.record << ref << ' ' << to.substr(4) << '\n' << std::flush;
        }
        if (g.reporter) {
            g.reporter->post(
                receipt.value("notifyURL", ""),
                nlohmann::json{{"deliveryInfoNotification",
                                {{"callbackData", ref},
                                 {"deliveryInfo",
                                  {{"address", to}, {"deliveryStatus", "DeliveredToTerminal"}}}}}}
                    .dump());
        }
        if (g.settings.orange_revoke_every > 0 &&
            ++g.orange_since_token >= g.settings.orange_revoke_every) {
            g.orange_token.clear(); // the next message with it is refused
        }
        respond(http::status::created,
                nlohmann::json{{"outboundSMSMessageRequest",
                                {{"resourceURL", "http://127.0.0.1/orange/requests/msg-" + ref}}}}
                    .dump());
    }

    void read_until_closed() {
        m_stream.async_read_some(asio::buffer(m_scratch),
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (!ec) {
                                         self->read_until_closed();
                                     }
                                 });
    }

    void respond(http::status status, const std::string& body, int retry_after = -1) {
        auto response =
            std::make_shared<http::response<http::string_body>>(status, m_request.version());
        response->set(http::field::content_type, "text/plain");
        if (retry_after >= 0) {
            response->set(http::field::retry_after, std::to_string(retry_after));
        }
        response->keep_alive(m_request.keep_alive());
        response->body() = body;
        response->prepare_payload();
        http::async_write(m_stream, *response,
                          [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                              if (!ec && response->keep_alive()) {
                                  self->read();
                              }
                          });
    }

    beast::tcp_stream m_stream;
    Gateway& m_gateway;
    asio::steady_timer m_timer;
    beast::flat_buffer m_buffer;
    http::request<http::string_body> m_request;
    std::array<char, 4096> m_scratch{};
};

void accept_loop(tcp::acceptor& acceptor, Gateway& gateway) {
    acceptor.async_accept([&acceptor, &gateway](beast::error_code ec, tcp::socket socket) {
        if (!ec) {
            socket.set_option(tcp::no_delay(true));
            std::make_shared<Session>(std::move(socket), gateway)->start();
        }
        accept_loop(acceptor, gateway);
    });
}

} // namespace

int main(int argc, char** argv) {
    Gateway gateway;
    std::string port_file;
    unsigned short listen_port = 0; // 0: any free port
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "fake_gateway: " << arg << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        auto& s = gateway.settings;
        if (arg == "--port-file")
            port_file = next();
        else if (arg == "--port")
            listen_port = static_cast<unsigned short>(std::stoi(next()));
        else if (arg == "--record")
            s.record_path = next();
        else if (arg == "--seed")
            s.seed = static_cast<unsigned>(std::stoul(next()));
        else if (arg == "--p500")
            s.p500 = std::stod(next());
        else if (arg == "--p429")
            s.p429 = std::stod(next());
        else if (arg == "--preset")
            s.preset = std::stod(next());
        else if (arg == "--phang")
            s.phang = std::stod(next());
        else if (arg == "--retry-after")
            s.retry_after = std::stoi(next());
        else if (arg == "--slow-ms")
            s.slow_ms = std::stoi(next());
        else if (arg == "--reject")
            s.reject.insert(next());
        else if (arg == "--max-seconds")
            s.max_seconds = std::stoi(next());
        else if (arg == "--refuse-for")
            s.refuse_for_seconds = std::stoi(next());
        else if (arg == "--report")
            s.report = true;
        else if (arg == "--report-journal")
            s.report_journal = next();
        else if (arg == "--orange-client")
            s.orange_client = next();
        else if (arg == "--orange-revoke-every")
            s.orange_revoke_every = std::stoi(next());
        else if (arg == "--longest-gap")
            s.longest_gap_path = next();
        else if (arg == "--record-texts")
            s.texts_path = next();
        else {
            std::cerr << "fake_gateway: unknown option " << arg << "\n";
            return 2;
        }
    }
    gateway.random.seed(gateway.settings.seed);
    if (gateway.settings.report) {
        gateway.reporter = std::make_unique<Reporter>(gateway.settings.report_journal);
    }
    if (!gateway.settings.record_path.empty()) {
        gateway.record.open(gateway.settings.record_path, std::ios::app);
    }
    if (!gateway.settings.texts_path.empty()) {
        gateway.texts.open(gateway.settings.texts_path, std::ios::app);
    }
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), listen_port));
    const auto port = acceptor.local_endpoint().port();
    if (!port_file.empty()) {
        std::ofstream(port_file + ".tmp") << port << "\n";
        std::rename((port_file + ".tmp").c_str(), port_file.c_str());
    }
    std::cout << port << std::endl;
    accept_loop(acceptor, gateway);
    // Bounded: a forgotten gateway stops by itself.
    asio::steady_timer limit(io, std::chrono::seconds(gateway.settings.max_seconds));
    limit.async_wait([&io](beast::error_code) { io.stop(); });
    io.run();
    return 0;
}
