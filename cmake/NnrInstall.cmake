# cmake --install: headers, the libraries, the apps and an exported package (find_package(nnr)).
include(CMakePackageConfigHelpers)
set(NNR_INSTALL_TARGETS nnr_core)
if(TARGET nnr_torch)
  list(APPEND NNR_INSTALL_TARGETS nnr_torch)
endif()
install(TARGETS ${NNR_INSTALL_TARGETS} EXPORT nnrTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/nnr DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(app nnr-corpus nnr-train nnr-transform nnr-encode nnr-evaluate)
  if(TARGET ${app})
    install(TARGETS ${app} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
set(NNR_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/nnr)
install(EXPORT nnrTargets NAMESPACE nnr:: DESTINATION ${NNR_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/nnrConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/nnrConfig.cmake INSTALL_DESTINATION ${NNR_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/nnrConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/nnrConfig.cmake ${PROJECT_BINARY_DIR}/nnrConfigVersion.cmake
        DESTINATION ${NNR_CMAKE_DIR})
