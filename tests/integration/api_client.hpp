// A signed-in (or not) client of the console's JSON API for the integration tests: real HTTP
// over loopback through curl, a cookie jar per client, the CSRF token the sign-in returned,
// and the console's Origin on every request unless a test says otherwise.
#pragma once

#include "../cli/cli_runner.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace kibaru::test {

struct ApiResponse {
    int status = 0;
    std::string body;
    std::string headers; // as received, lower-case names not guaranteed
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class ApiClient {
public:
    // `host`: the name the client uses for the console (the URL, Host, Origin and its cookies),
    // still connecting to 127.0.0.1, as a browser on the LAN would reach a server by its name.
    ApiClient(const Scratch& scratch, int port, std::string name = "anon",
              const std::string& scheme = "http", const std::string& host = "127.0.0.1")
        : m_scratch(scratch), m_base(scheme + "://" + host + ":" + std::to_string(port)),
          m_jar(".jar-" + name + std::to_string(counter()++)) {
        if (host != "127.0.0.1") {
            const auto p = std::to_string(port);
            m_connect_to = host + ":" + p + ":127.0.0.1:" + p;
        }
    }

    const std::string& origin() const { return m_base; }

    // POST /api/v1/session; keeps the cookie and the CSRF token. Returns the status.
    int login(const std::string& name, const std::string& password) {
        const auto r = call("POST", "/api/v1/session",
                            nlohmann::json{{"name", name}, {"password", password}}.dump());
        if (r.status == 200) {
            m_csrf = r.json().value("csrf_token", "");
        }
        return r.status;
    }

    // One request. `headers` replace the defaults (Origin, the CSRF token) when given.
    ApiResponse call(const std::string& method, const std::string& path,
                     const std::string& body = "", std::vector<std::string> headers = {"default"},
                     const std::string& content_type = "application/json") {
        if (headers.size() == 1 && headers[0] == "default") {
            headers = {"Origin: " + m_base};
            if (!m_csrf.empty()) {
                headers.push_back("X-CSRF-Token: " + m_csrf);
            }
        }
        const std::string body_file = m_jar + ".body";
        const std::string header_file = m_jar + ".headers";
        std::vector<std::string> argv = {"curl",    "-s", "-k",        "-m", "30",          "-X",
                                         method,    "-b", m_jar,       "-c", m_jar,         "-o",
                                         body_file, "-D", header_file, "-w", "%{http_code}"};
        if (!m_connect_to.empty()) {
            argv.insert(argv.end(), {"--connect-to", m_connect_to});
        }
        for (const auto& h : headers) {
            argv.insert(argv.end(), {"-H", h});
        }
        if (!body.empty()) {
            m_scratch.write(m_jar + ".send", body);
            argv.insert(argv.end(), {"-H", "Content-Type: " + content_type, "--data-binary",
                                     "@" + m_jar + ".send"});
        }
        argv.push_back(m_base + path);
        const auto r = run_process(argv, m_scratch.dir(), {});
        ApiResponse response;
        response.status = r.out.empty() ? 0 : std::stoi(r.out);
        response.body = m_scratch.read(body_file);
        response.headers = m_scratch.read(header_file);
        return response;
    }

    ApiResponse get(const std::string& path) { return call("GET", path); }
    ApiResponse post(const std::string& path, const nlohmann::json& body = nullptr) {
        return call("POST", path, body.is_null() ? "" : body.dump());
    }

    void forget_csrf() { m_csrf.clear(); }
    const std::string& csrf() const { return m_csrf; }

private:
    static std::atomic<int>& counter() {
        static std::atomic<int> n{0};
        return n;
    }

    const Scratch& m_scratch;
    std::string m_base;
    std::string m_jar;
    std::string m_csrf;
    std::string m_connect_to; // curl --connect-to, when the client names the console otherwise
};

} // namespace kibaru::test
