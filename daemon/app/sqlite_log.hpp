// SQLite's own error log (SQLITE_CONFIG_LOG) in Kibaru's log: a damaged page SQLite stumbled on,
// a WAL it recovered after a power cut, a disk that filled, with phone numbers masked like every
// other line. A disk that stays full fails every statement: one line per kind of problem per
// minute, with the count of those left out, keeps the log readable (and small, on that disk).
#pragma once

namespace kibaru::app {

// Installs the sink. Call first thing in main: SQLite takes it only before the first connection
// opens. Returns false (and logs nothing) when that moment has passed.
bool route_sqlite_log();

} // namespace kibaru::app
