// The daemon's scheduled backups as pure decisions: the name of a backup taken at an instant,
// whether one is due, and which to delete so that the newest `keep` remain. No files and no
// clock here: app/ lists the directory and passes the names and the time in, so the rotation is
// tested without either.
#pragma once

#include "core/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::core {

// "kibaru-20261201T0300Z.db": the instant in UTC to the minute, so that names sort as times do
// and whoever copies them off the machine reads the date at a glance.
std::string backup_file_name(Instant at);

// The instant a name written by backup_file_name carries, or nullopt for any other name: files
// that are not scheduled backups (a copy staff made by hand, a .partial) are never counted as
// backups nor deleted.
std::optional<Instant> parse_backup_file_name(std::string_view name);

// The newest scheduled backup among `names` taken at or before `now`. Names stamped after `now`
// (the clock was wrong when they were taken, or was set back since) are left out: counting one
// would stop the schedule until the clock caught up with it.
std::optional<Instant> newest_backup(const std::vector<std::string>& names, Instant now);

// True when `every_hours` > 0 and the newest backup (see newest_backup) is at least that old, or
// there is none.
bool backup_due(const std::vector<std::string>& names, Instant now, int every_hours);

// The scheduled backups to delete so that only the newest `keep` (at least 1) remain, oldest
// first. Other names are left alone and do not count.
std::vector<std::string> backups_to_delete(const std::vector<std::string>& names, int keep);

} // namespace kibaru::core
