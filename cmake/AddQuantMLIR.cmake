# CIRCT-style thin wrappers around the upstream add_mlir_* helpers, so every
# library is exported in the installed package and every doc lands in
# quant-mlir-doc.

set_property(GLOBAL PROPERTY QM_EXPORTED_LIBS "")

# qm_add_library(name sources... [DEPENDS ...] [LINK_LIBS ...])
# A compiler library: exported and installed; MLIR libraries in MLIR_LIBS are
# linked through mlir_target_link_libraries (libMLIR.so or static).
function(qm_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS;MLIR_LIBS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${QM_SOURCE_DIR}/include>
    
    $<INSTALL_INTERFACE:include>)
  install(TARGETS ${name} EXPORT QuantMLIRTargets
    ARCHIVE DESTINATION lib LIBRARY DESTINATION lib RUNTIME DESTINATION bin)
  set_property(GLOBAL APPEND PROPERTY QM_EXPORTED_LIBS ${name})
endfunction()

# qm_add_doc(td_file output_name kind args...)
function(qm_add_doc td_filename output_file output_directory command)
  add_mlir_doc(${td_filename} ${output_file} ${output_directory} ${command} ${ARGN})
  add_dependencies(quant-mlir-doc ${output_file}DocGen)
endfunction()

# qm_add_tool(name sources... [LINK_LIBS ...] [MLIR_LIBS ...])
function(qm_add_tool name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS;MLIR_LIBS" ${ARGN})
  add_llvm_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  llvm_update_compile_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PRIVATE ${ARG_MLIR_LIBS})
  endif()
  install(TARGETS ${name} RUNTIME DESTINATION bin)
endfunction()
