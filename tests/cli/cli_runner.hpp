// Runs the built kibaru binary in a scratch directory, as a user would, and captures its exit
// code, stdout and stderr. Each test gets its own directory, so tests can run in parallel.
#pragma once

#include <filesystem>
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

RunResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                      const std::vector<std::string>& env);

} // namespace kibaru::test
