# Installed CMake package: find_package(QuantMLIR CONFIG) gives the dialect
# and pass libraries (targets QuantMLIR::<lib>), their headers (ODS-generated
# .inc files included) and QUANTMLIR_TOOLS_DIR.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${QM_SOURCE_DIR}/include/qm DESTINATION include
        FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${QM_BINARY_DIR}/include/qm DESTINATION include
        FILES_MATCHING PATTERN "*.inc" PATTERN "CMakeFiles" EXCLUDE)

install(EXPORT QuantMLIRTargets NAMESPACE QuantMLIR::
        DESTINATION lib/cmake/QuantMLIR)
get_property(QM_EXPORTED_LIBS GLOBAL PROPERTY QM_EXPORTED_LIBS)
configure_package_config_file(
  ${QM_SOURCE_DIR}/cmake/QuantMLIRConfig.cmake.in
  ${QM_BINARY_DIR}/QuantMLIRConfig.cmake
  INSTALL_DESTINATION lib/cmake/QuantMLIR)
install(FILES ${QM_BINARY_DIR}/QuantMLIRConfig.cmake
        DESTINATION lib/cmake/QuantMLIR)
