//===- Weights.cpp - move weight constants out of compiled code -------------===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#include "qm/Execution/Weights.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::qm;

/// Raw little-endian bytes of a non-splat elements attribute of >= 8-bit
/// elements, or an empty ref.
static ArrayRef<char> getRawBytes(Attribute attr) {
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    if (AsmResourceBlob *blob = res.getRawHandle().getBlob())
      return blob->getData();
    return {};
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    Type elem = dense.getElementType();
    if (dense.isSplat() || !elem.isIntOrFloat() ||
        elem.getIntOrFloatBitWidth() % 8 != 0)
      return {};
    return dense.getRawData();
  }
  return {};
}

FailureOr<int64_t> mlir::qm::externalizeWeights(ModuleOp module,
                                                std::string &blob,
                                                int64_t minBytes) {
  MLIRContext *ctx = module.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  SmallVector<std::pair<LLVM::GlobalOp, int64_t>> moved; // global, offset
  SmallVector<int64_t> sizes;
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    Attribute value = global.getValueOrNull();
    if (!value)
      continue;
    ArrayRef<char> bytes = getRawBytes(value);
    if (static_cast<int64_t>(bytes.size()) < minBytes)
      continue;
    blob.resize((blob.size() + 63) / 64 * 64, '\0');
    int64_t offset = blob.size();
    blob.append(bytes.data(), bytes.size());
    moved.push_back({global, offset});
    sizes.push_back(bytes.size());
  }
  OpBuilder b(ctx);
  for (auto [global, offset] : moved) {
    global.removeValueAttr();
    global.setConstant(false);
    Region &init = global.getInitializerRegion();
    Block *block = b.createBlock(&init);
    b.setInsertionPointToStart(block);
    Value zero = LLVM::ZeroOp::create(b, global.getLoc(), global.getGlobalType());
    LLVM::ReturnOp::create(b, global.getLoc(), zero);
  }
  // void qm_init_weights(const char *blob): memcpy every global back.
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  auto fnType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                            {ptrType});
  auto fn = LLVM::LLVMFuncOp::create(b, loc, kInitWeightsFn, fnType);
  Block *entry = fn.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  Value src = entry->getArgument(0);
  for (auto [i, item] : llvm::enumerate(moved)) {
    auto [global, offset] = item;
    Value dst = LLVM::AddressOfOp::create(b, loc, global);
    Value off = LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                         b.getI64IntegerAttr(offset));
    Value from = LLVM::GEPOp::create(b, loc, ptrType, b.getI8Type(), src,
                                     ValueRange{off});
    Value len = LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                         b.getI64IntegerAttr(sizes[i]));
    LLVM::MemcpyOp::create(b, loc, dst, from, len, /*isVolatile=*/false);
  }
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return static_cast<int64_t>(moved.size());
}
