#include "ops/database_lock.hpp"

namespace kibaru::ops {

std::string database_lock_path(const std::string& database_path) {
    return database_path + ".lock";
}

std::unique_ptr<util::FileLock> lock_database(const std::string& database_path) {
    return util::FileLock::try_lock(database_lock_path(database_path));
}

} // namespace kibaru::ops
