# Install rules and the Debian package (CPack), included from the top-level CMakeLists.txt.
#   cmake --install build   the files under the prefix the build was configured with
#                           (-DCMAKE_INSTALL_PREFIX, default /usr/local: etc/ under it); the
#                           installed config and unit name its paths, so no --prefix then
#   scripts/package.sh      the .deb, from a build configured with the prefix /usr
# With the prefix /usr, as in the package:
#   /usr/bin/kibaru                        stripped by CPack (CPACK_STRIP_FILES)
#   /etc/kibaru/kibaru.toml                a conffile: config/kibaru.toml with installed paths
#   /usr/share/kibaru/templates, samples   templates/ and samples/
#   /lib/systemd/system/kibaru.service     scripts/kibaru.service with the prefix's paths
#   /usr/share/man/man1/kibaru.1.gz        docs/kibaru.1, gzip -n -9
#   /usr/share/doc/kibaru/                 README.md, copyright, changelog.Debian.gz
#   /usr/share/lintian/overrides/kibaru    packaging/debian/lintian-overrides
# The maintainer scripts (packaging/debian/) make the kibaru user, /var/lib/kibaru and
# /var/log/kibaru; the installed kibaru.toml puts the database and the log there.
include(GNUInstallDirs)

set(KIBARU_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging/debian)
set(KIBARU_GENERATED_DIR ${PROJECT_BINARY_DIR}/packaging)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# Debian 12 keeps units in /lib/systemd/system (packages must not move files to /usr yet);
# elsewhere the prefix's lib/systemd/system. -DKIBARU_SYSTEMD_UNIT_DIR=... overrides.
if(NOT DEFINED KIBARU_SYSTEMD_UNIT_DIR)
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(KIBARU_SYSTEMD_UNIT_DIR /lib/systemd/system)
  else()
    set(KIBARU_SYSTEMD_UNIT_DIR ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
  endif()
endif()
set(KIBARU_CONFIG_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kibaru)
set(KIBARU_DATA_DIR ${CMAKE_INSTALL_FULL_DATADIR}/kibaru)

set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/config/kibaru.toml ${PROJECT_SOURCE_DIR}/scripts/kibaru.service
             ${KIBARU_PACKAGING_DIR}/changelog)

# Replaces FROM by TO in the variable TEXT, and stops the configuration if FROM is not there:
# the source file changed under the install rules, which must follow it.
function(kibaru_substitute text_var from to source)
  string(FIND "${${text_var}}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "cmake/install.cmake: ${source} no longer contains '${from}': "
                        "update the substitutions that make its installed copy")
  endif()
  string(REPLACE "${from}" "${to}" replaced "${${text_var}}")
  set(${text_var} "${replaced}" PARENT_SCOPE)
endfunction()

function(kibaru_write_if_changed path content)
  if(EXISTS ${path})
    file(READ ${path} old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE ${path} "${content}")
endfunction()

# The installed configuration: the example config with absolute paths where the package puts
# things, so that the daemon and staff running the CLI from any directory use the same files.
file(READ ${PROJECT_SOURCE_DIR}/config/kibaru.toml toml)
kibaru_substitute(toml [[path = "var/kibaru.db"]] [[path = "/var/lib/kibaru/kibaru.db"]]
                  config/kibaru.toml)
kibaru_substitute(toml [[file = "var/log/kibaru.log"]] [[file = "/var/log/kibaru/kibaru.log"]]
                  config/kibaru.toml)
kibaru_substitute(toml [[# reply_templates_dir = "/usr/share/kibaru/templates"]]
                  "reply_templates_dir = \"${KIBARU_DATA_DIR}/templates\"" config/kibaru.toml)
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(kept "A conffile of the package: your changes are kept on upgrades.")
else()
  set(kept "cmake --install overwrites it: keep a copy of your changes.")
endif()
string(PREPEND toml
  "# ${KIBARU_CONFIG_DIR}/kibaru.toml, installed from config/kibaru.toml with the database in\n"
  "# /var/lib/kibaru, the log in /var/log/kibaru (the systemd unit's state and logs directories,\n"
  "# owned by the kibaru user) and the reply templates in ${KIBARU_DATA_DIR}/templates.\n"
  "# ${kept}\n"
  "# Secrets go in ${KIBARU_CONFIG_DIR}/secrets.env, never here.\n"
  "# Run the CLI as the service user, from anywhere:\n"
  "#   runuser -u kibaru -- kibaru --config ${KIBARU_CONFIG_DIR}/kibaru.toml status\n#\n")
kibaru_write_if_changed(${KIBARU_GENERATED_DIR}/kibaru.toml "${toml}")

# The installed unit: scripts/kibaru.service with this prefix's paths (the same with /usr).
file(READ ${PROJECT_SOURCE_DIR}/scripts/kibaru.service unit)
kibaru_substitute(unit "ExecStart=/usr/bin/kibaru --config /etc/kibaru/kibaru.toml daemon"
  "ExecStart=${CMAKE_INSTALL_FULL_BINDIR}/kibaru --config ${KIBARU_CONFIG_DIR}/kibaru.toml daemon"
  scripts/kibaru.service)
kibaru_substitute(unit "EnvironmentFile=/etc/kibaru/secrets.env"
                  "EnvironmentFile=${KIBARU_CONFIG_DIR}/secrets.env" scripts/kibaru.service)
kibaru_substitute(unit "file:///usr/share/doc/kibaru/README.md"
                  "file://${CMAKE_INSTALL_FULL_DOCDIR}/README.md" scripts/kibaru.service)
kibaru_write_if_changed(${KIBARU_GENERATED_DIR}/kibaru.service "${unit}")

# The package's version is the project's plus the Debian revision of the newest changelog entry,
# which must be for this version: a release adds an entry to packaging/debian/changelog.
file(STRINGS ${KIBARU_PACKAGING_DIR}/changelog changelog_head LIMIT_COUNT 1)
if(NOT changelog_head MATCHES "^kibaru \\(([^)-]+)-([^)]+)\\) ")
  message(FATAL_ERROR "packaging/debian/changelog: cannot read its first line: ${changelog_head}")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "packaging/debian/changelog: the newest entry is for ${CMAKE_MATCH_1}, the "
                      "project is ${PROJECT_VERSION}: add an entry (dch -v ${PROJECT_VERSION}-1)")
endif()
set(KIBARU_DEBIAN_REVISION ${CMAKE_MATCH_2})

install(TARGETS kibaru RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${KIBARU_GENERATED_DIR}/kibaru.toml DESTINATION ${KIBARU_CONFIG_DIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/templates ${PROJECT_SOURCE_DIR}/samples
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kibaru
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
        DIRECTORY_PERMISSIONS ${CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS})
install(FILES ${KIBARU_GENERATED_DIR}/kibaru.service DESTINATION ${KIBARU_SYSTEMD_UNIT_DIR})

# The man page and the Debian changelog, gzipped at install time (always from the current
# sources) without a name or time stamp in the header, so that the package is reproducible.
find_program(KIBARU_GZIP gzip REQUIRED)
install(CODE "
  foreach(pair \"docs/kibaru.1;kibaru.1.gz\" \"packaging/debian/changelog;changelog.Debian.gz\")
    list(GET pair 0 from)
    list(GET pair 1 to)
    execute_process(COMMAND \"${KIBARU_GZIP}\" -n -9 -c \"${PROJECT_SOURCE_DIR}/\${from}\"
                    OUTPUT_FILE \"${KIBARU_GENERATED_DIR}/\${to}\" RESULT_VARIABLE failed)
    if(failed)
      message(FATAL_ERROR \"gzip \${from} failed\")
    endif()
  endforeach()")
install(FILES ${KIBARU_GENERATED_DIR}/kibaru.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${KIBARU_PACKAGING_DIR}/copyright
              ${KIBARU_GENERATED_DIR}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The lintian tags the package has for a reason, each reason in the file.
install(FILES ${KIBARU_PACKAGING_DIR}/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME kibaru)

# The Debian package. Runtime Depends come from dpkg-shlibdeps on the binary, plus adduser (the
# maintainer scripts) and tzdata (campaign time zones are read from the system's database).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kibaru)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Kibaru maintainers")
set(KIBARU_PACKAGE_MAINTAINER
    "Kibaru maintainers <maintainers@users.noreply.h-seed-2e4ba7de.example>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${KIBARU_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "weekly market-information SMS broadcaster for farmers")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION [[
Kibaru sends weekly market-information SMS (prices, trends, quality advice)
to farmers, producer organisations, small enterprises and seed companies, in
French or Bambara, through an HTTP SMS gateway: Kannel, Africa's Talking,
Twilio, the Orange SMS API or a generic one.

Program staff import contacts from CSV or Excel files, write each week's
message and schedule campaigns; a daemon sends one SMS per contact and week,
follows delivery reports, honours STOP, answers price requests by SMS and
serves a web console. A tamper-evident audit log lets auditors check who was
sent what, when, and whether it arrived.

Everything is kept in one SQLite database, which the package never deletes.]])
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KIBARU_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${KIBARU_DEBIAN_REVISION})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "kannel, sqlite3")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${KIBARU_PACKAGING_DIR}/conffiles ${KIBARU_PACKAGING_DIR}/postinst
    ${KIBARU_PACKAGING_DIR}/prerm ${KIBARU_PACKAGING_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_THREADS 0)
# The paths above are fixed when the build is configured: cmake/cpack_project.cmake refuses to
# make the .deb from a build configured for another prefix than /usr.
set(CPACK_KIBARU_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/cpack_project.cmake)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/[.]git/" "/build/" "/build-[^/]*/" "/var/" "/node_modules/")
include(CPack)
