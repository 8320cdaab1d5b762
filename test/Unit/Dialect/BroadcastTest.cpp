//===- BroadcastTest.cpp - qgraph shape helpers -----------------------------===//
//
// Part of quant-mlir. Unit tests of the broadcasting and axis helpers that
// the qgraph verifiers and type inference share.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qm::qgraph;

static const int64_t kDyn = ShapedType::kDynamic;

TEST(BroadcastTest, NumpyRules) {
  SmallVector<int64_t> out;
  ASSERT_TRUE(succeeded(broadcastShapes({{2, 1, 4}, {3, 1}}, out)));
  EXPECT_EQ(out, (SmallVector<int64_t>{2, 3, 4}));
  ASSERT_TRUE(succeeded(broadcastShapes({{}, {5}}, out)));
  EXPECT_EQ(out, (SmallVector<int64_t>{5}));
}

TEST(BroadcastTest, DynamicDimensions) {
  SmallVector<int64_t> out;
  ASSERT_TRUE(succeeded(broadcastShapes({{kDyn, 4}, {1, 4}}, out)));
  EXPECT_EQ(out, (SmallVector<int64_t>{kDyn, 4}));
  // A dynamic size next to a static size > 1 must be that size at runtime.
  ASSERT_TRUE(succeeded(broadcastShapes({{kDyn, 4}, {7, 1}}, out)));
  EXPECT_EQ(out, (SmallVector<int64_t>{7, 4}));
}

TEST(BroadcastTest, Mismatch) {
  SmallVector<int64_t> out;
  EXPECT_TRUE(failed(broadcastShapes({{2, 3}, {4, 3}}, out)));
}

TEST(BroadcastTest, NormalizeAxis) {
  EXPECT_EQ(*normalizeAxis(-1, 3), 2);
  EXPECT_EQ(*normalizeAxis(0, 3), 0);
  EXPECT_TRUE(failed(normalizeAxis(3, 3)));
  EXPECT_TRUE(failed(normalizeAxis(-4, 3)));
}
