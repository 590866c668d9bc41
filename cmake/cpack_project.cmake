# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE, set in cmake/install.cmake).
# The Debian package's paths (/etc/kibaru, the unit's ExecStart, the conffiles list) are fixed
# when the build is configured: refuse to package a build configured for another prefix.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_KIBARU_INSTALL_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR
    "kibaru: the Debian package needs a build configured with -DCMAKE_INSTALL_PREFIX=/usr, "
    "this one has ${CPACK_KIBARU_INSTALL_PREFIX}. scripts/package.sh configures it so.")
endif()
