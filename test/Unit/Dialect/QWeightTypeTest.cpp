//===- QWeightTypeTest.cpp - !qweight.weight storage types ------------------===//
//
// Part of quant-mlir. Checks the storage shapes each layout implies, which
// the packers and code generators rely on.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QWeight/IR/QWeight.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qm::qweight;

namespace {
class QWeightTypeTest : public ::testing::Test {
protected:
  QWeightTypeTest() { ctx.loadDialect<QWeightDialect>(); }
  WeightType get(int64_t k, int64_t n, unsigned bits, int64_t group,
                 Layout layout) {
    return WeightType::get(&ctx, k, n, bits, group, /*symmetric=*/false,
                           /*act_order=*/false, layout, Float32Type::get(&ctx));
  }
  MLIRContext ctx;
};
} // namespace

TEST_F(QWeightTypeTest, GroupsRoundUpForShortLastGroup) {
  WeightType w = get(/*k=*/300, /*n=*/8, 4, 128, Layout::unpacked);
  EXPECT_EQ(w.getNumGroups(), 3);
  EXPECT_EQ(w.getScalesType().getShape(), (ArrayRef<int64_t>{8, 3}));
}

TEST_F(QWeightTypeTest, PerChannelIsOneGroup) {
  WeightType w = get(384, 16, 8, -1, Layout::unpacked);
  EXPECT_EQ(w.getNumGroups(), 1);
  EXPECT_EQ(w.getEffectiveGroupSize(), 384);
}

TEST_F(QWeightTypeTest, KPackedWordsPerBitWidth) {
  EXPECT_EQ(get(384, 4, 4, 128, Layout::k_packed).getCodesStorageType().getShape(),
            (ArrayRef<int64_t>{4, 48}));
  EXPECT_EQ(get(384, 4, 2, 128, Layout::k_packed).getCodesStorageType().getShape(),
            (ArrayRef<int64_t>{4, 24}));
  // 3 bits: ten codes per word, 384 / 10 rounds up to 39.
  EXPECT_EQ(get(384, 4, 3, 128, Layout::k_packed).getCodesStorageType().getShape(),
            (ArrayRef<int64_t>{4, 39}));
  EXPECT_EQ(get(384, 4, 8, 128, Layout::k_packed).getCodesStorageType().getShape(),
            (ArrayRef<int64_t>{4, 96}));
}

TEST_F(QWeightTypeTest, VerifierRejectsBadParameters) {
  auto loc = UnknownLoc::get(&ctx);
  auto emit = [&]() { return emitError(loc); };
  ctx.getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
  Type f32 = Float32Type::get(&ctx);
  EXPECT_TRUE(failed(WeightType::verify(emit, 128, 8, 5, 128, false, false,
                                        Layout::unpacked, f32)));
  EXPECT_TRUE(failed(WeightType::verify(emit, 128, 8, 4, 256, false, false,
                                        Layout::unpacked, f32)));
  EXPECT_TRUE(failed(WeightType::verify(emit, 128, 8, 4, 64, false, false,
                                        Layout::unpacked, IntegerType::get(&ctx, 8))));
  EXPECT_TRUE(succeeded(WeightType::verify(emit, 128, 8, 3, 64, true, true,
                                           Layout::k_packed, f32)));
}
