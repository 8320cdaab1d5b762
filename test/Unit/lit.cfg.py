# -*- Python -*-
# gtest unit tests, discovered and run by lit (every TEST is one lit test).
import os
import lit.formats

config.name = "QUANT-MLIR-Unit"
config.suffixes = []
config.test_source_root = config.unit_test_dir
config.test_exec_root = config.unit_test_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")
