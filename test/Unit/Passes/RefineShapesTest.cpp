//===- RefineShapesTest.cpp - the refineShapes C++ entry --------------------===//
//
// Part of quant-mlir. Drives mlir::qm::refineShapes the way tools do (no
// pass manager): pinning, folding to a fixpoint, and error reporting.
//
//===----------------------------------------------------------------------===//

#include "qm/InitAllDialects.h"
#include "qm/Passes/Graph/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

using namespace mlir;

namespace {
/// A qgraph function whose result shape is computed from input_ids.
constexpr const char *kModule = R"mlir(
func.func @main(%ids: tensor<?x?xi64> {qgraph.name = "input_ids"}) -> tensor<?x?x?xf32> {
  %table = arith.constant dense<1.0> : tensor<10x6xf32>
  %e = qgraph.gather %table, %ids : (tensor<10x6xf32>, tensor<?x?xi64>) -> tensor<?x?x6xf32>
  %s = qgraph.shape %ids : (tensor<?x?xi64>) -> tensor<2xi64>
  %tail = arith.constant dense<[2, 3]> : tensor<2xi64>
  %shape = qgraph.concat %s, %tail {axis = 0 : si64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = qgraph.reshape %e, %shape : (tensor<?x?x6xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %three = arith.constant dense<[0, 0, 6]> : tensor<3xi64>
  %back = qgraph.reshape %r, %three : (tensor<?x?x?x?xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %back : tensor<?x?x?xf32>
}
)mlir";

struct RefineShapesTest : ::testing::Test {
  RefineShapesTest() {
    DialectRegistry registry;
    registry.insert<func::FuncDialect, arith::ArithDialect>();
    qm::registerAllDialects(registry);
    ctx.appendDialectRegistry(registry);
  }
  OwningOpRef<ModuleOp> parse() {
    return parseSourceString<ModuleOp>(kModule, &ctx);
  }
  MLIRContext ctx;
};
} // namespace

TEST_F(RefineShapesTest, PinnedInputMakesEverythingStatic) {
  auto module = parse();
  ASSERT_TRUE(module);
  qm::RefineShapesOptions options;
  options.pin.push_back({"input_ids", {1, 5}});
  ASSERT_TRUE(succeeded(qm::refineShapes(*module, options)));
  auto func = *module->getOps<func::FuncOp>().begin();
  EXPECT_EQ(func.getFunctionType().getInput(0),
            RankedTensorType::get({1, 5}, IntegerType::get(&ctx, 64)));
  EXPECT_EQ(func.getFunctionType().getResult(0),
            RankedTensorType::get({1, 5, 6}, Float32Type::get(&ctx)));
  // The shape arithmetic folded away; every value is static.
  int shapeOps = 0;
  module->walk([&](Operation *op) {
    if (isa<qm::qgraph::ShapeOp, qm::qgraph::ConcatOp>(op))
      ++shapeOps;
    for (Type t : op->getResultTypes())
      if (auto rt = dyn_cast<RankedTensorType>(t))
        EXPECT_TRUE(rt.hasStaticShape()) << op->getName().getStringRef().str();
  });
  EXPECT_EQ(shapeOps, 0);
  EXPECT_TRUE(succeeded(verify(*module)));
}

TEST_F(RefineShapesTest, WithoutPinsOnlyStaticFactsAreUsed) {
  auto module = parse();
  ASSERT_TRUE(module);
  ASSERT_TRUE(succeeded(qm::refineShapes(*module)));
  auto func = *module->getOps<func::FuncOp>().begin();
  // The last dimension comes from the table; batch and sequence stay open.
  EXPECT_EQ(func.getFunctionType().getResult(0),
            RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic, 6},
                                  Float32Type::get(&ctx)));
}

TEST_F(RefineShapesTest, UnknownPinIsAnError) {
  auto module = parse();
  ASSERT_TRUE(module);
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  qm::RefineShapesOptions options;
  options.pin.push_back({"attention_mask", {1, 5}});
  EXPECT_TRUE(failed(qm::refineShapes(*module, options)));
  EXPECT_EQ(message, "no function argument named 'attention_mask' to pin");
}

TEST(ParsePinnedShapeTest, Syntax) {
  auto pin = qm::parsePinnedShape("input_ids=1x128");
  ASSERT_TRUE(succeeded(pin));
  EXPECT_EQ(pin->first, "input_ids");
  EXPECT_EQ(pin->second, (SmallVector<int64_t>{1, 128}));
  EXPECT_TRUE(failed(qm::parsePinnedShape("input_ids")));
  EXPECT_TRUE(failed(qm::parsePinnedShape("x=1xq")));
  EXPECT_TRUE(failed(qm::parsePinnedShape("=4")));
}
