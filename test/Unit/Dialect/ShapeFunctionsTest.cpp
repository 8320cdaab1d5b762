//===- ShapeFunctionsTest.cpp - qgraph value-dependent shape functions ------===//
//
// Part of quant-mlir. Unit tests of the shape functions shared by the qgraph
// verifiers and qm-graph-refine-shapes (QGraphShapes.cpp). Slice sizes are
// cross-checked against a brute-force walk of the ONNX index sequence.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

#include <limits>

using namespace mlir;
using namespace mlir::qm::qgraph;

static const int64_t kDyn = ShapedType::kDynamic;
using Shape = SmallVector<int64_t>;

TEST(ShapeFunctionsTest, Reshape) {
  EXPECT_EQ(reshapeShape({2, 3, 4}, {0, -1}, false), (Shape{2, 12}));
  EXPECT_EQ(reshapeShape({2, 3, 4}, {4, 0, -1}, false), (Shape{4, 3, 2}));
  // allowzero: a 0 is a size.
  EXPECT_EQ(reshapeShape({0, 3}, {0, 3}, true), (Shape{0, 3}));
  // -1 stays unknown when the input is dynamic.
  EXPECT_EQ(reshapeShape({kDyn, 4}, {-1, 2}, false), (Shape{kDyn, 2}));
  EXPECT_EQ(reshapeShape({kDyn, 4}, {0, 2, 2}, false), (Shape{kDyn, 2, 2}));
}

TEST(ShapeFunctionsTest, Expand) {
  EXPECT_EQ(*expandShape({3, 1}, {2, 1, 4}), (Shape{2, 3, 4}));
  EXPECT_EQ(*expandShape({kDyn, 4}, {1, 1}), (Shape{kDyn, 4}));
  EXPECT_TRUE(failed(expandShape({3}, {4})));
}

/// Number of indices ONNX Slice visits, by walking them.
static int64_t walkSlice(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  int64_t count = 0;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    for (int64_t i = start; i < end; i += step)
      ++count;
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    for (int64_t i = start; i > end; i += step)
      ++count;
  }
  return count;
}

TEST(ShapeFunctionsTest, SliceMatchesIndexWalk) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  SmallVector<int64_t> bounds = {small, -9, -7, -3, -1, 0, 1, 2, 5, 7, 9, big};
  for (int64_t dim : {0, 1, 7}) {
    for (int64_t start : bounds) {
      for (int64_t end : bounds) {
        for (int64_t step : {-3, -1, 1, 2, 5}) {
          Shape starts = {start}, ends = {end}, steps = {step};
          auto s = sliceShape({dim}, starts, ends, std::nullopt,
                              ArrayRef<int64_t>(steps));
          ASSERT_TRUE(succeeded(s));
          EXPECT_EQ((*s)[0], walkSlice(dim, start, end, step))
              << "dim " << dim << " start " << start << " end " << end
              << " step " << step;
        }
      }
    }
  }
}

TEST(ShapeFunctionsTest, SliceAxes) {
  Shape starts = {1}, ends = {3}, axes = {-1};
  EXPECT_EQ(*sliceShape({kDyn, 8}, starts, ends, ArrayRef<int64_t>(axes), std::nullopt),
            (Shape{kDyn, 2}));
  // A sliced dynamic dimension stays dynamic.
  Shape axes0 = {0};
  EXPECT_EQ(*sliceShape({kDyn, 8}, starts, ends, ArrayRef<int64_t>(axes0), std::nullopt),
            (Shape{kDyn, 8}));
  Shape badAxes = {2};
  EXPECT_TRUE(failed(sliceShape({4, 8}, starts, ends, ArrayRef<int64_t>(badAxes),
                                std::nullopt)));
  Shape zeroStep = {0};
  EXPECT_TRUE(failed(sliceShape({4}, starts, ends, std::nullopt,
                                ArrayRef<int64_t>(zeroStep))));
}

TEST(ShapeFunctionsTest, Range) {
  MLIRContext ctx;
  auto i64 = RankedTensorType::get({}, IntegerType::get(&ctx, 64));
  auto f32 = RankedTensorType::get({}, Float32Type::get(&ctx));
  auto i = [&](int64_t v) { return DenseElementsAttr::get(i64, ArrayRef<int64_t>{v}); };
  auto f = [&](float v) { return DenseElementsAttr::get(f32, ArrayRef<float>{v}); };
  EXPECT_EQ(*rangeSize(i(0), i(10), i(3)), 4);
  EXPECT_EQ(*rangeSize(i(10), i(0), i(-3)), 4);
  EXPECT_EQ(*rangeSize(i(5), i(0), i(1)), 0);
  EXPECT_EQ(*rangeSize(i(0), i(128), i(1)), 128);
  EXPECT_TRUE(failed(rangeSize(i(0), i(1), i(0))));
  EXPECT_EQ(*rangeSize(f(0.f), f(1.f), f(0.25f)), 4);
  EXPECT_EQ(*rangeSize(f(1.f), f(0.f), f(-0.3f)), 4);
}

TEST(ShapeFunctionsTest, SqueezeUnsqueezeReduce) {
  Shape axes0 = {0};
  EXPECT_EQ(*squeezeShape({1, kDyn, 1}, ArrayRef<int64_t>(axes0)), (Shape{kDyn, 1}));
  EXPECT_EQ(*squeezeShape({1, 4, 1}, std::nullopt), (Shape{4}));
  // Without axes a dynamic dimension might be 1: unknown.
  EXPECT_TRUE(failed(squeezeShape({1, kDyn}, std::nullopt)));
  Shape axes1 = {1};
  EXPECT_TRUE(failed(squeezeShape({1, 4}, ArrayRef<int64_t>(axes1))));

  EXPECT_EQ(*unsqueezeShape({kDyn, 4}, {0, -1}), (Shape{1, kDyn, 4, 1}));
  EXPECT_TRUE(failed(unsqueezeShape({4}, {0, -3})));  // both are axis 0

  Shape axesLast = {-1};
  EXPECT_EQ(*reduceShape({2, 3, 4}, ArrayRef<int64_t>(axesLast), true, false),
            (Shape{2, 3, 1}));
  EXPECT_EQ(*reduceShape({2, 3, 4}, ArrayRef<int64_t>(axesLast), false, false),
            (Shape{2, 3}));
  EXPECT_EQ(*reduceShape({2, 3, 4}, std::nullopt, false, false), Shape{});
  EXPECT_EQ(*reduceShape({2, 3, 4}, std::nullopt, false, true), (Shape{2, 3, 4}));
  Shape dup = {1, -2};
  EXPECT_TRUE(failed(reduceShape({2, 3, 4}, ArrayRef<int64_t>(dup), true, false)));
}
