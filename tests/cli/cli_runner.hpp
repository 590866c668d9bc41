// Runs the built kibaru binary in a scratch directory, as a user would, and captures its exit
// code, stdout and stderr. Each test gets its own directory, so tests can run in parallel.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kibaru::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

class Scratch {
public:
    Scratch();  // makes a fresh directory under the temp dir
    ~Scratch(); // removes it

    const std::filesystem::path& dir() const { return m_dir; }
    std::filesystem::path path(const std::string& name) const { return m_dir / name; }
    void write(const std::string& name, const std::string& content) const;
    std::string read(const std::string& name) const;

    // Runs `kibaru --db kibaru.db ARGS...` with the scratch directory as working directory and
    // an empty KIBARU_CONFIG unless `config` names a file. `env` adds NAME=VALUE pairs.
    RunResult kibaru(const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {}) const;
    // Runs `sqlite3 kibaru.db SQL` (to tamper with the database as an outsider would).
    RunResult sql(const std::string& statement) const;

private:
    std::filesystem::path m_dir;
};

// A process running in the background (a gateway, a daemon), killed when destroyed.
class Background {
public:
    Background(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
               const std::vector<std::string>& env = {});
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    int pid() const { return m_pid; }
    // Sends `signal` and waits for the exit; returns the exit code (128 + signal if killed).
    int stop(int signal);
    // Waits up to `seconds` for the process to exit by itself; -1 if it is still running.
    int wait(double seconds);

private:
    int m_pid = -1;
    int m_exit = -1;
};

// Starts build/fake_gateway in `dir` with `args`, waits for its port and returns it.
struct FakeGateway {
    std::unique_ptr<Background> process;
    int port = 0;
};
FakeGateway start_fake_gateway(const std::filesystem::path& dir, std::vector<std::string> args);

// A TCP port on 127.0.0.1 that was free a moment ago (bound to 0, read, released).
int free_port();

// The date `days` after `ymd` ("2019-01-08"), as "YYYY-MM-DD": the instants of a simulated
// campaign (`--now`).
std::string date_plus(const std::string& ymd, int days);

// Waits until `predicate` holds, polling every 20 ms for up to `seconds`.
bool eventually(const std::function<bool()>& predicate, double seconds);

RunResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                      const std::vector<std::string>& env);

} // namespace kibaru::test
