# SPDX-License-Identifier: BSD-2-Clause
# cmake --install: the libraries, the public headers, the CMake package
# (find_package(csrattest) → csrattest::csrattest) and csrattest.pc.
include(CMakePackageConfigHelpers)

install(TARGETS ${CSRA_LIB_TARGETS} EXPORT csrattestTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CSRA_PUBLIC_INCLUDE}/csrattest DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")

set(CSRA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/csrattest)
install(EXPORT csrattestTargets NAMESPACE csrattest:: DESTINATION ${CSRA_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/csrattestConfig.cmake.in
  ${PROJECT_BINARY_DIR}/csrattestConfig.cmake INSTALL_DESTINATION ${CSRA_CMAKE_DIR})
# 0.x: a minor release may change the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/csrattestConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/csrattestConfig.cmake
  ${PROJECT_BINARY_DIR}/csrattestConfigVersion.cmake DESTINATION ${CSRA_CMAKE_DIR})

# pkg-config: the shared library by default; `pkg-config --static` adds
# what the archive needs. The prefix is found from the .pc file's own place
# (pkg-config's pcfiledir), so `cmake --install --prefix` anywhere works.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(CSRA_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _csra_up "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" _csra_up "${_csra_up}")
  set(CSRA_PC_PREFIX "\${pcfiledir}/${_csra_up}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(CSRA_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(CSRA_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(CSRA_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(CSRA_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
set(CSRA_PC_LIBS_PRIVATE "-pthread")
if(CMAKE_DL_LIBS)
  string(APPEND CSRA_PC_LIBS_PRIVATE " -l${CMAKE_DL_LIBS}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/csrattest.pc.in ${PROJECT_BINARY_DIR}/csrattest.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/csrattest.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(CSRA_BUILD_TOOLS)
  install(TARGETS csrattest_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
    FILES_MATCHING PATTERN "*.1")
endif()
