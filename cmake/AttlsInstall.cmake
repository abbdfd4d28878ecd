# AttlsInstall.cmake - where `cmake --install` (make install) puts attls,
# and one-line helpers so that a new program, library or module needs one
# line to be installed:
#
#   attls_install_program(attls)        a command users run    ${bindir}
#   attls_install_daemon(attlsd)        a daemon               ${sbindir}
#   attls_install_library(attls-saf)    a shared library       ${libdir}
#   attls_install_pam_module(pam_attls) a PAM module           ${ATTLS_PAMDIR}
#
# Headers in include/, man pages in man/ and units in dist/systemd/ are
# found by name, so a new one needs no line at all.  Every destination
# honours DESTDIR and CMAKE_INSTALL_PREFIX; the paths the programs read at
# run time (configuration, database, control socket) are fixed, below.
include(GNUInstallDirs)

# The run-time paths compiled into the programs.  They do not follow the
# install prefix: a copy in /usr/local reads the same /etc/attls as the
# packaged one.  Each must equal the string in the source named beside it;
# tests/package/paths_test.sh fails when one of them changes alone.
set(ATTLS_CONF_DIR /etc/attls)          # src/daemon/attlsd.c DEFAULT_CONFIG
set(ATTLS_STATE_DIR /var/lib/attls)     # src/saf/db.h SAF_DB_DEFAULT_PATH
set(ATTLS_RUN_DIR /run/attls)           # src/ctl/io.h CTL_DEFAULT_SOCKET

# Directories owned by other packages, which a distribution may place
# elsewhere: cache variables, so a packager can say where.  A relative one
# is under the install prefix (and follows --prefix at install time); with
# the prefix /usr they are the system's own directories.  Paths compiled
# into programs (the shim's place, for 'attls run') come from the prefix
# given when configuring, so give the prefix then, not only to --install.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_attls_unitdir /lib/systemd/system)
  if(CMAKE_LIBRARY_ARCHITECTURE)
    set(_attls_pamdir /lib/${CMAKE_LIBRARY_ARCHITECTURE}/security)
  else()
    set(_attls_pamdir /lib/security)
  endif()
else()
  set(_attls_unitdir lib/systemd/system)
  set(_attls_pamdir ${CMAKE_INSTALL_LIBDIR}/security)
endif()
set(ATTLS_SYSTEMD_UNITDIR ${_attls_unitdir} CACHE STRING "where systemd units are installed")
set(ATTLS_TMPFILESDIR lib/tmpfiles.d CACHE STRING
  "where the tmpfiles.d entry for the runtime directory is installed")
set(ATTLS_PAMDIR ${_attls_pamdir} CACHE STRING "where PAM modules are installed")

# A target installed twice (by its own CMakeLists.txt and by the guarded
# rules at the end of the top-level one) would be an error; remember which.
function(_attls_installed_once target result)
  get_property(done GLOBAL PROPERTY ATTLS_INSTALLED_${target})
  set_property(GLOBAL PROPERTY ATTLS_INSTALLED_${target} TRUE)
  if(done)
    set(${result} FALSE PARENT_SCOPE)
  else()
    set(${result} TRUE PARENT_SCOPE)
  endif()
endfunction()

function(attls_install_program target)
  _attls_installed_once(${target} go)
  if(go)
    install(TARGETS ${target} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endfunction()

function(attls_install_daemon target)
  _attls_installed_once(${target} go)
  if(go)
    install(TARGETS ${target} RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
  endif()
endfunction()

function(attls_install_library target)
  _attls_installed_once(${target} go)
  if(go)
    install(TARGETS ${target}
      LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development
      ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development)
  endif()
endfunction()

function(attls_install_pam_module target)
  _attls_installed_once(${target} go)
  if(go)
    install(TARGETS ${target} LIBRARY DESTINATION ${ATTLS_PAMDIR} NAMELINK_SKIP)
  endif()
endfunction()

# Units and tmpfiles entries are templates: @ATTLS_SBINDIR@ and the like
# become this build's paths.  NAME.service is installed when the build has
# a program NAME, so a unit can be added before its program is merged.
function(attls_install_units)
  set(ATTLS_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
  set(ATTLS_SBINDIR ${CMAKE_INSTALL_FULL_SBINDIR})
  file(GLOB units CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/dist/systemd/*.in)
  foreach(in ${units})
    get_filename_component(name ${in} NAME)
    string(REGEX REPLACE "\\.in$" "" name ${name})
    configure_file(${in} ${PROJECT_BINARY_DIR}/dist/${name} @ONLY)
    string(REGEX REPLACE "\\.[a-z]+$" "" program ${name})
    if(name MATCHES "\\.service$" AND NOT TARGET ${program})
      # The unit of a program this build does not have.
    elseif(name MATCHES "\\.service$")
      install(FILES ${PROJECT_BINARY_DIR}/dist/${name} DESTINATION ${ATTLS_SYSTEMD_UNITDIR})
    elseif(name MATCHES "\\.tmpfiles$")
      install(FILES ${PROJECT_BINARY_DIR}/dist/${name} DESTINATION ${ATTLS_TMPFILESDIR}
        RENAME attls.conf)
    endif()
  endforeach()
endfunction()

# Every page in man/ goes to the section its suffix names.
function(attls_install_man)
  file(GLOB pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-8])
  foreach(page ${pages})
    string(REGEX MATCH "[1-8]$" section ${page})
    install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
endfunction()
