# SPDX-License-Identifier: GPL-3.0-or-later
# Installation and Debian packages (docs/installing.md). Two components, two packages, because
# the two machines must not share a binary: `workstation` (postern, postern-cli, desktop
# integration) goes on the air-gapped workstation and depends on no network library;
# `uploader` (postern-uploader) goes on the networked host and depends on no GUI library.
# tests/invariants/packages.sh builds both packages and checks exactly that.
include(GNUInstallDirs)

set(_postern_workstation_targets postern-cli)
if(TARGET postern)
    list(PREPEND _postern_workstation_targets postern)
endif()
install(TARGETS ${_postern_workstation_targets}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT workstation)
install(TARGETS postern-uploader
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT uploader)
# The watch service's hardened unit (docs/operator-guide.md). lib/, not LIBDIR: systemd looks in
# <prefix>/lib/systemd/system whatever the multiarch library directory is.
install(FILES ${PROJECT_SOURCE_DIR}/resources/systemd/postern-uploader-watch@.service
        DESTINATION lib/systemd/system COMPONENT uploader)

install(FILES ${PROJECT_SOURCE_DIR}/resources/org.postern.Postern.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT workstation)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/postern.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
        RENAME org.postern.Postern.svg COMPONENT workstation)
install(FILES ${PROJECT_SOURCE_DIR}/resources/org.postern.Postern.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT workstation)

# Debian wants the licence as share/doc/<package>/copyright in every package.
foreach(_component workstation uploader)
    install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/postern-${_component}
            RENAME copyright COMPONENT ${_component})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/export.md
              ${PROJECT_SOURCE_DIR}/docs/threat-model.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/postern-workstation COMPONENT workstation)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/threat-model.md
              ${PROJECT_SOURCE_DIR}/docs/operator-guide.md ${PROJECT_SOURCE_DIR}/docs/uploader.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/postern-uploader COMPONENT uploader)

# CPack: `cpack -G DEB` in the build tree writes postern-workstation_<v>_<arch>.deb and
# postern-uploader_<v>_<arch>.deb. Dependencies come from dpkg-shlibdeps (package dpkg-dev),
# i.e. from what the binaries really load, so a stray network library would show up there.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME postern)
set(CPACK_PACKAGE_VENDOR "Postern")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "Postern maintainers <maintainers@postern.invalid>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_FILE_NAME postern-${PROJECT_VERSION})
set(CPACK_COMPONENTS_ALL workstation uploader)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_DEBIAN_WORKSTATION_PACKAGE_NAME postern-workstation)
set(CPACK_DEBIAN_WORKSTATION_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_WORKSTATION_PACKAGE_RECOMMENDS "libqt6svg6")
set(CPACK_DEBIAN_WORKSTATION_DESCRIPTION
    "Air-gapped social media publishing workstation (offline side)
 Authors draft posts, approvers approve them under a signed policy, and an
 operator seals approved posts into a signed, encrypted bundle on a removable
 drive, read back and checked before anything is marked exported.
 .
 This package holds the Qt workstation (postern) and its command line
 (postern-cli). It links no network library; install it on the offline
 machine only.")

set(CPACK_DEBIAN_UPLOADER_PACKAGE_NAME postern-uploader)
set(CPACK_DEBIAN_UPLOADER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_UPLOADER_DESCRIPTION
    "Air-gapped social media publishing workstation (networked uploader)
 Verifies bundles carried from the Postern workstation (signatures, approvals,
 replay and expiry), publishes their posts and writes a signed receipt to
 carry back.
 .
 This package holds postern-uploader. It links no GUI library; install it on
 the networked host only.")

set(CPACK_COMPONENT_WORKSTATION_DISPLAY_NAME "Postern workstation")
set(CPACK_COMPONENT_UPLOADER_DISPLAY_NAME "Postern uploader")
include(CPack)
