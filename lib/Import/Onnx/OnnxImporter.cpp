//===- OnnxImporter.cpp - ONNX model -> qgraph dialect ---------------------===//
//
// Part of quant-mlir. Loads an ONNX ModelProto (streamed from the file, so
// the file's bytes are not held twice), checks the graph (opset imports,
// value names, producers, cycles, supported ops) and builds `func.func @main`
// node by node through the handlers of ImporterInternal.h.
//
// Weights: a tensor's `raw_data` string is moved out of the parsed protobuf
// into the resource blob that owns it; external data is memory-mapped and the
// blob aliases the mapping. Neither is copied into attribute storage.
//
//===----------------------------------------------------------------------===//

#include "ImporterInternal.h"

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/stubs/logging.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <memory>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::qm;
using namespace mlir::qm::onnx_import;

static_assert(llvm::endianness::native == llvm::endianness::little,
              "the importer reads ONNX little-endian data in place");

/// Supported range of the default-domain opset.
static constexpr int64_t kMinOpset = 13;
static constexpr int64_t kMaxOpset = 23;

//===----------------------------------------------------------------------===//
// Handler registry
//===----------------------------------------------------------------------===//

void HandlerRegistry::add(StringRef domain, StringRef opType,
                          int64_t sinceVersion, HandlerFn fn) {
  handlers[{canonicalDomain(domain).str(), opType.str()}][sinceVersion] = fn;
}

HandlerFn HandlerRegistry::lookup(StringRef domain, StringRef opType,
                                  int64_t version) const {
  auto it = handlers.find({canonicalDomain(domain).str(), opType.str()});
  if (it == handlers.end())
    return nullptr;
  // The handler with the largest since-version <= version.
  auto v = it->second.upper_bound(version);
  if (v == it->second.begin())
    return nullptr;
  return std::prev(v)->second;
}

const HandlerRegistry &HandlerRegistry::get() {
  static const HandlerRegistry registry = [] {
    HandlerRegistry r;
    registerDefaultDomainHandlers(r);
    registerComMicrosoftHandlers(r);
    return r;
  }();
  return registry;
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

Type onnx_import::convertElementType(MLIRContext *ctx, int32_t t) {
  Builder b(ctx);
  auto u = [&](unsigned w) {
    return IntegerType::get(ctx, w, IntegerType::Unsigned);
  };
  switch (t) {
  case onnx::TensorProto::FLOAT: return b.getF32Type();
  case onnx::TensorProto::UINT8: return u(8);
  case onnx::TensorProto::INT8: return b.getIntegerType(8);
  case onnx::TensorProto::UINT16: return u(16);
  case onnx::TensorProto::INT16: return b.getIntegerType(16);
  case onnx::TensorProto::INT32: return b.getIntegerType(32);
  case onnx::TensorProto::INT64: return b.getIntegerType(64);
  case onnx::TensorProto::BOOL: return b.getI1Type();
  case onnx::TensorProto::FLOAT16: return b.getF16Type();
  case onnx::TensorProto::DOUBLE: return b.getF64Type();
  case onnx::TensorProto::UINT32: return u(32);
  case onnx::TensorProto::UINT64: return u(64);
  case onnx::TensorProto::BFLOAT16: return b.getBF16Type();
  case 21: return u(4);                    // UINT4
  case 22: return b.getIntegerType(4);     // INT4
  default: return nullptr;
  }
}

std::string onnx_import::onnxTypeName(int32_t t) {
  static const char *names[] = {
      "UNDEFINED", "FLOAT",      "UINT8",        "INT8",           "UINT16",
      "INT16",     "INT32",      "INT64",        "STRING",         "BOOL",
      "FLOAT16",   "DOUBLE",     "UINT32",       "UINT64",         "COMPLEX64",
      "COMPLEX128", "BFLOAT16",  "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
      "FLOAT8E5M2FNUZ", "UINT4", "INT4",         "FLOAT4E2M1",     "FLOAT8E8M0"};
  if (t >= 0 && t < (int32_t)std::size(names))
    return std::string(names[t]) + " (" + std::to_string(t) + ")";
  return "unknown type " + std::to_string(t);
}

bool onnx_import::constInts(Value v, SmallVectorImpl<int64_t> &values) {
  return qgraph::getConstantIntValues(v, values);
}

//===----------------------------------------------------------------------===//
// Memory-mapped external data files
//===----------------------------------------------------------------------===//

namespace {
struct MappedFile {
  void *addr = nullptr;
  size_t size = 0;
  ~MappedFile() {
    if (addr)
      ::munmap(addr, size);
  }
  ArrayRef<char> bytes() const { return {(const char *)addr, size}; }
};
} // namespace

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

namespace mlir::qm::onnx_import {
class GraphImporter {
public:
  GraphImporter(MLIRContext &ctx, StringRef modelPath,
                const OnnxImportOptions &options)
      : ctx(ctx), modelPath(modelPath.str()), options(options) {
    SmallString<256> dir(modelPath);
    llvm::sys::path::remove_filename(dir);
    if (dir.empty())
      dir = ".";
    modelDir = std::string(dir);
  }

  FailureOr<OwningOpRef<ModuleOp>> run(onnx::ModelProto &model);

  /// An error about the model file as a whole.
  InFlightDiagnostic fileError() { return emitError(fileLoc(0)); }
  Location fileLoc(unsigned line) {
    return FileLineColLoc::get(&ctx, modelPath, line, 0);
  }

  /// Converts a tensor (initializer, Constant value, attribute) to an
  /// elements attribute. Moves `raw_data` out of `t` when it becomes a blob.
  FailureOr<ElementsAttr> convertTensor(const onnx::TensorProto &t,
                                        StringRef what, Location loc,
                                        bool forceInline = false);

  RankedTensorType declaredType(StringRef name) {
    auto it = declared.find(name);
    return it == declared.end() ? RankedTensorType() : it->second;
  }
  /// The declared type of a TypeProto (null if absent, unranked or of an
  /// unsupported element type).
  RankedTensorType convertTypeProto(const onnx::TypeProto &t);

  MLIRContext &ctx;
  std::string modelPath, modelDir;
  const OnnxImportOptions &options;
  llvm::StringMap<Value> values;
  llvm::StringMap<RankedTensorType> declared;
  llvm::StringMap<std::shared_ptr<MappedFile>> mappedFiles;
  unsigned resourceCounter = 0;

private:
  FailureOr<std::shared_ptr<MappedFile>> mapExternalFile(StringRef location,
                                                         StringRef what,
                                                         Location loc);
  LogicalResult checkModel(onnx::ModelProto &model);
  LogicalResult checkGraph(onnx::GraphProto &graph,
                           SmallVectorImpl<unsigned> &order,
                           SmallVectorImpl<HandlerFn> &handlers);
  llvm::StringMap<int64_t> opsets;
};
} // namespace mlir::qm::onnx_import

RankedTensorType GraphImporter::convertTypeProto(const onnx::TypeProto &t) {
  if (!t.has_tensor_type())
    return {};
  const auto &tt = t.tensor_type();
  if (!tt.has_shape())
    return {};
  Type elem = convertElementType(&ctx, tt.elem_type());
  if (!elem)
    return {};
  SmallVector<int64_t> dims;
  for (const auto &d : tt.shape().dim()) {
    if (d.has_dim_value() && d.dim_value() >= 0 &&
        d.dim_value() < (int64_t(1) << 48))
      dims.push_back(d.dim_value());
    else
      dims.push_back(ShapedType::kDynamic);
  }
  return RankedTensorType::get(dims, elem);
}

FailureOr<std::shared_ptr<MappedFile>>
GraphImporter::mapExternalFile(StringRef location, StringRef what,
                               Location loc) {
  if (!options.allowExternalData || modelPath.empty())
    return emitError(loc) << "tensor '" << what
                          << "' refers to external data ('" << location
                          << "'), which is not allowed here";
  // The location must be a relative path inside the model's folder.
  if (location.empty())
    return emitError(loc) << "tensor '" << what
                          << "' has an empty external-data location";
  if (llvm::sys::path::is_absolute(location) || location.starts_with("/") ||
      location.contains('\\') || location.contains('\0'))
    return emitError(loc) << "external-data location '" << location
                          << "' of tensor '" << what
                          << "' is an absolute path; it must stay inside the "
                             "model's folder";
  for (auto it = llvm::sys::path::begin(location),
            e = llvm::sys::path::end(location);
       it != e; ++it)
    if (*it == "..")
      return emitError(loc) << "external-data location '" << location
                            << "' of tensor '" << what
                            << "' escapes the model's folder ('..')";
  auto cached = mappedFiles.find(location);
  if (cached != mappedFiles.end())
    return cached->second;

  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, location);
  // Symbolic links must not lead out of the folder either.
  SmallString<256> realDir, realFile;
  if (!llvm::sys::fs::real_path(modelDir, realDir) &&
      !llvm::sys::fs::real_path(path, realFile)) {
    StringRef rf = realFile;
    if (!rf.starts_with(realDir) || rf.size() <= realDir.size() ||
        !llvm::sys::path::is_separator(rf[realDir.size()]))
      return emitError(loc) << "external-data location '" << location
                            << "' of tensor '" << what
                            << "' resolves outside the model's folder";
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return emitError(loc) << "cannot open external-data file '" << path
                          << "' of tensor '" << what
                          << "': " << std::strerror(errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return emitError(loc) << "external-data file '" << path << "' of tensor '"
                          << what << "' is not a regular file";
  }
  auto mapped = std::make_shared<MappedFile>();
  mapped->size = st.st_size;
  if (mapped->size) {
    void *addr = ::mmap(nullptr, mapped->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
      ::close(fd);
      return emitError(loc) << "cannot map external-data file '" << path
                            << "': " << std::strerror(errno);
    }
    mapped->addr = addr;
  }
  ::close(fd);
  mappedFiles[location] = mapped;
  return mapped;
}

/// Parses a decimal uint64 (external-data offset/length).
static bool parseU64(StringRef s, uint64_t &out) {
  if (s.empty() || s.size() > 19)
    return false;
  return !s.getAsInteger(10, out);
}

FailureOr<ElementsAttr> GraphImporter::convertTensor(const onnx::TensorProto &t,
                                                     StringRef what,
                                                     Location loc,
                                                     bool forceInline) {
  int32_t dt = t.data_type();
  Type elem = convertElementType(&ctx, dt);
  if (!elem)
    return emitError(loc) << "tensor '" << what
                          << "' has unsupported element type "
                          << onnxTypeName(dt);
  if (t.has_segment())
    return emitError(loc) << "tensor '" << what
                          << "' is segmented, which is not supported";
  SmallVector<int64_t> dims;
  uint64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0)
      return emitError(loc) << "tensor '" << what
                            << "' has a negative dimension (" << d << ")";
    if (d > (int64_t(1) << 48) || __builtin_mul_overflow(n, (uint64_t)d, &n) ||
        n > (uint64_t(1) << 48))
      return emitError(loc) << "tensor '" << what
                            << "' has dimensions whose product overflows";
    dims.push_back(d);
  }
  auto type = RankedTensorType::get(dims, elem);
  unsigned bits = elem.getIntOrFloatBitWidth();
  // Bytes of the ONNX encoding: 4-bit types pack two to a byte, bool is one
  // byte per element.
  uint64_t onnxBytes = bits == 4 ? (n + 1) / 2 : n * std::max(bits / 8, 1u);

  // Gather the little-endian ONNX bytes into `data`. `owner` keeps them
  // alive: the moved-out raw_data string, a heap buffer or the mapping.
  ArrayRef<char> data;
  std::shared_ptr<void> owner;
  bool dataIsRawString = false;

  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    uint64_t offset = 0, length = 0;
    bool hasLength = false;
    for (const auto &kv : t.external_data()) {
      if (kv.key() == "location") {
        location = kv.value();
      } else if (kv.key() == "offset") {
        if (!parseU64(kv.value(), offset))
          return emitError(loc) << "tensor '" << what
                                << "' has an invalid external-data offset ('"
                                << kv.value() << "')";
      } else if (kv.key() == "length") {
        if (!parseU64(kv.value(), length))
          return emitError(loc) << "tensor '" << what
                                << "' has an invalid external-data length ('"
                                << kv.value() << "')";
        hasLength = true;
      }
    }
    if (location.empty())
      return emitError(loc) << "tensor '" << what
                            << "' has external data without a location";
    auto mapped = mapExternalFile(location, what, loc);
    if (failed(mapped))
      return failure();
    uint64_t fileSize = (*mapped)->size;
    if (!hasLength)
      length = offset <= fileSize ? fileSize - offset : 0;
    if (offset > fileSize || length > fileSize - offset)
      return emitError(loc) << "external-data file '" << location
                            << "' is too short for tensor '" << what
                            << "' (needs bytes " << offset << " to "
                            << offset + length << ", file has " << fileSize
                            << ")";
    if (length != onnxBytes)
      return emitError(loc) << "external data of tensor '" << what << "' has "
                            << length << " bytes but its shape needs "
                            << onnxBytes;
    data = (*mapped)->bytes().slice(offset, length);
    owner = *mapped;
  } else if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    if (raw.size() != onnxBytes)
      return emitError(loc) << "tensor '" << what << "' has " << raw.size()
                            << " bytes of data but its shape needs "
                            << onnxBytes
                            << (raw.size() < onnxBytes ? " (data too short)"
                                                       : " (data too long)");
    data = ArrayRef<char>(raw.data(), raw.size());
    dataIsRawString = true;
  } else {
    // Typed repeated fields.
    auto buffer = std::make_shared<std::vector<char>>();
    auto countError = [&](int64_t have, uint64_t want) {
      return emitError(loc) << "tensor '" << what << "' has " << have
                            << " values but its shape needs " << want
                            << (uint64_t(have) < want ? " (data too short)"
                                                      : " (data too long)");
    };
    auto appendLE = [&](uint64_t v, unsigned nbytes) {
      for (unsigned i = 0; i < nbytes; ++i)
        buffer->push_back(char((v >> (8 * i)) & 0xff));
    };
    switch (dt) {
    case onnx::TensorProto::FLOAT:
      if ((uint64_t)t.float_data_size() != n)
        return countError(t.float_data_size(), n);
      buffer->resize(n * 4);
      if (n)
        std::memcpy(buffer->data(), t.float_data().data(), n * 4);
      break;
    case onnx::TensorProto::DOUBLE:
      if ((uint64_t)t.double_data_size() != n)
        return countError(t.double_data_size(), n);
      buffer->resize(n * 8);
      if (n)
        std::memcpy(buffer->data(), t.double_data().data(), n * 8);
      break;
    case onnx::TensorProto::INT64:
      if ((uint64_t)t.int64_data_size() != n)
        return countError(t.int64_data_size(), n);
      buffer->resize(n * 8);
      if (n)
        std::memcpy(buffer->data(), t.int64_data().data(), n * 8);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      if ((uint64_t)t.uint64_data_size() != n)
        return countError(t.uint64_data_size(), n);
      buffer->reserve(n * (bits / 8));
      for (uint64_t v : t.uint64_data())
        appendLE(v, bits / 8);
      break;
    default: {
      // int32_data: int32, int16, int8, uint16, uint8, bool, float16,
      // bfloat16 (bit patterns) and 4-bit types (one packed byte each).
      uint64_t want = bits == 4 ? (n + 1) / 2 : n;
      if ((uint64_t)t.int32_data_size() != want)
        return countError(t.int32_data_size(), want);
      unsigned nbytes = bits == 4 ? 1 : std::max(bits / 8, 1u);
      buffer->reserve(want * nbytes);
      for (int32_t v : t.int32_data())
        appendLE(uint32_t(v), nbytes);
      break;
    }
    }
    data = ArrayRef<char>(buffer->data(), buffer->size());
    owner = buffer;
  }

  // bool: one byte per element in ONNX, bit-packed in MLIR.
  if (elem.isInteger(1)) {
    SmallVector<bool> bools(n);
    for (uint64_t i = 0; i < n; ++i)
      bools[i] = data[i] != 0;
    return cast<ElementsAttr>(DenseElementsAttr::get(type, bools));
  }
  // 4-bit: unpacked to one byte per element, the value sign- (i4) or zero-
  // (ui4) extended. This is also the layout of their resource blobs.
  if (bits == 4) {
    auto unpacked = std::make_shared<std::vector<char>>(n);
    bool isSigned = !elem.isUnsignedInteger();
    for (uint64_t i = 0; i < n; ++i) {
      uint8_t byte = uint8_t(data[i / 2]);
      uint8_t nib = (i % 2) ? (byte >> 4) : (byte & 0xf);
      int8_t v = isSigned && (nib & 0x8) ? int8_t(nib | 0xf0) : int8_t(nib);
      (*unpacked)[i] = char(v);
    }
    data = ArrayRef<char>(unpacked->data(), unpacked->size());
    owner = unpacked;
    dataIsRawString = false;
  }

  // Integer and bool tensors up to maxInlineElements are inlined (shape
  // arithmetic folds on them); float tensors only when scalar-sized.
  int64_t inlineLimit = isa<FloatType>(elem) ? std::min<int64_t>(
                                                   1, options.maxInlineElements)
                                             : options.maxInlineElements;
  if (forceInline || (int64_t)n <= inlineLimit) {
    if (n == 0)
      return cast<ElementsAttr>(
          DenseElementsAttr::get(type, ArrayRef<Attribute>()));
    bool splat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, data, splat))
      return emitError(loc) << "tensor '" << what
                            << "' has data of the wrong size";
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, data));
  }

  // A resource blob. raw_data is moved out of the protobuf into the blob.
  size_t align = std::max<size_t>(bits / 8, 1);
  AsmResourceBlob blob;
  if (dataIsRawString) {
    auto *str = new std::string(
        std::move(*const_cast<onnx::TensorProto &>(t).mutable_raw_data()));
    data = ArrayRef<char>(str->data(), str->size());
    if (reinterpret_cast<uintptr_t>(data.data()) % align == 0) {
      blob = AsmResourceBlob(
          data, align, [str](void *, size_t, size_t) { delete str; },
          /*dataIsMutable=*/false);
    } else {
      blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(data, align);
      delete str;
    }
  } else if (reinterpret_cast<uintptr_t>(data.data()) % align == 0) {
    blob = AsmResourceBlob(
        data, align, [owner](void *, size_t, size_t) mutable { owner.reset(); },
        /*dataIsMutable=*/false);
  } else {
    blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(data, align);
  }
  // Resource keys: the tensor name, made printable.
  std::string key;
  for (char c : what)
    key.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (key.empty() || llvm::isDigit(key[0]))
    key = "t_" + key;
  return cast<ElementsAttr>(
      DenseResourceElementsAttr::get(type, key, std::move(blob)));
}

//===----------------------------------------------------------------------===//
// Model and graph checks
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::checkModel(onnx::ModelProto &model) {
  if (!model.has_graph() && model.ir_version() == 0)
    return fileError() << "'" << modelPath
                       << "' is not an ONNX model (no ir_version and no graph)";
  if (!model.has_graph())
    return fileError() << "model '" << modelPath << "' has no graph";
  if (model.ir_version() < 3)
    return fileError() << "model '" << modelPath
                       << "' has an unsupported ir_version ("
                       << model.ir_version() << "; expected >= 3)";
  for (const auto &imp : model.opset_import()) {
    StringRef domain = canonicalDomain(imp.domain());
    if (opsets.count(domain))
      return fileError() << "model '" << modelPath
                         << "' imports the opset of domain '"
                         << (domain.empty() ? "ai.onnx" : domain)
                         << "' more than once";
    opsets[domain] = imp.version();
  }
  auto it = opsets.find("");
  if (it == opsets.end())
    return fileError() << "model '" << modelPath
                       << "' has no opset import for the default domain "
                          "'ai.onnx'";
  if (it->second < kMinOpset || it->second > kMaxOpset)
    return fileError() << "model '" << modelPath
                       << "' imports an unsupported opset version of "
                          "'ai.onnx' ("
                       << it->second << "; supported " << kMinOpset << " to "
                       << kMaxOpset << ")";
  return success();
}

/// Name used for a node in messages and locations.
static std::string nodeName(const onnx::NodeProto &node, unsigned index) {
  if (!node.name().empty())
    return node.name();
  return node.op_type() + "_" + std::to_string(index);
}

static std::string domainName(StringRef domain) {
  domain = canonicalDomain(domain);
  return domain.empty() ? "ai.onnx" : domain.str();
}

LogicalResult GraphImporter::checkGraph(onnx::GraphProto &graph,
                                        SmallVectorImpl<unsigned> &order,
                                        SmallVectorImpl<HandlerFn> &handlers) {
  // Value names: graph inputs, initializers, node outputs, each once.
  llvm::StringMap<std::string> definedBy;
  llvm::StringMap<int> producer; // value -> node index
  auto define = [&](StringRef name, std::string what) -> LogicalResult {
    auto [it, inserted] = definedBy.try_emplace(name, what);
    if (!inserted)
      return fileError() << "duplicate value name '" << name << "' (defined by "
                         << it->second << " and by " << what << ")";
    return success();
  };
  llvm::StringSet<> initNames;
  for (const auto &init : graph.initializer()) {
    if (init.name().empty())
      return fileError() << "an initializer has no name";
    if (failed(define(init.name(), "initializer '" + init.name() + "'")))
      return failure();
    initNames.insert(init.name());
  }
  if (graph.sparse_initializer_size())
    return fileError() << "sparse initializer '"
                       << graph.sparse_initializer(0).values().name()
                       << "' is not supported";
  for (const auto &in : graph.input()) {
    if (initNames.count(in.name()))
      continue; // IR < 4 style: initializers listed as inputs too.
    if (in.name().empty())
      return fileError() << "a graph input has no name";
    if (failed(define(in.name(), "graph input '" + in.name() + "'")))
      return failure();
  }
  unsigned numNodes = graph.node_size();
  for (unsigned i = 0; i < numNodes; ++i) {
    const auto &node = graph.node(i);
    for (const auto &out : node.output()) {
      if (out.empty())
        continue;
      if (failed(define(out, "node '" + nodeName(node, i) + "'")))
        return failure();
      producer[out] = i;
    }
  }
  for (unsigned i = 0; i < numNodes; ++i) {
    const auto &node = graph.node(i);
    for (const auto &in : node.input())
      if (!in.empty() && !definedBy.count(in))
        return emitError(fileLoc(i))
               << "node '" << nodeName(node, i) << "' (" << node.op_type()
               << ") uses '" << in
               << "', which no node, graph input or initializer produces";
  }
  for (const auto &out : graph.output())
    if (!definedBy.count(out.name()))
      return fileError() << "graph output '" << out.name()
                         << "' is not produced by any node, graph input or "
                            "initializer";

  // Handlers: every unsupported op of the model is reported at once.
  const HandlerRegistry &registry = HandlerRegistry::get();
  handlers.resize(numNodes);
  struct Missing {
    std::string opType, domain, firstNode;
    int64_t opset;
    unsigned count;
    bool controlFlow;
  };
  SmallVector<Missing> missing;
  for (unsigned i = 0; i < numNodes; ++i) {
    const auto &node = graph.node(i);
    StringRef domain = canonicalDomain(node.domain());
    auto op = opsets.find(domain);
    if (op == opsets.end())
      return emitError(fileLoc(i))
             << "node '" << nodeName(node, i) << "' (" << node.op_type()
             << ") uses domain '" << domainName(domain)
             << "', which the model has no opset import for";
    bool controlFlow = llvm::any_of(node.attribute(), [](const auto &a) {
      return a.type() == onnx::AttributeProto::GRAPH ||
             a.type() == onnx::AttributeProto::GRAPHS || a.has_g() ||
             a.graphs_size();
    });
    HandlerFn fn = controlFlow ? nullptr
                               : registry.lookup(domain, node.op_type(),
                                                 op->second);
    handlers[i] = fn;
    if (fn)
      continue;
    auto m = llvm::find_if(missing, [&](const Missing &x) {
      return x.opType == node.op_type() && x.domain == domainName(domain);
    });
    if (m != missing.end()) {
      ++m->count;
      continue;
    }
    missing.push_back({node.op_type(), domainName(domain), nodeName(node, i),
                       op->second, 1, controlFlow});
  }
  if (!missing.empty()) {
    InFlightDiagnostic diag = fileError();
    diag << "unsupported ONNX op" << (missing.size() > 1 ? "s" : "") << ": ";
    for (auto [k, m] : llvm::enumerate(missing)) {
      if (k)
        diag << "; ";
      diag << "'" << m.opType << "' (domain '" << m.domain << "', opset "
           << m.opset << ") at node '" << m.firstNode << "'";
      if (m.count > 1)
        diag << " and " << (m.count - 1) << " more";
      if (m.controlFlow)
        diag << " (control flow with subgraphs is not supported)";
    }
    return failure();
  }

  // Topological order (the file's order when it already is one).
  bool sorted = true;
  {
    llvm::StringSet<> avail;
    for (const auto &kv : definedBy)
      if (!producer.count(kv.getKey()))
        avail.insert(kv.getKey());
    for (unsigned i = 0; i < numNodes && sorted; ++i) {
      for (const auto &in : graph.node(i).input())
        if (!in.empty() && !avail.count(in)) {
          sorted = false;
          break;
        }
      for (const auto &out : graph.node(i).output())
        if (!out.empty())
          avail.insert(out);
    }
  }
  order.clear();
  if (sorted) {
    for (unsigned i = 0; i < numNodes; ++i)
      order.push_back(i);
    return success();
  }
  std::vector<unsigned> pending(numNodes, 0);
  std::vector<SmallVector<unsigned, 2>> consumers(numNodes);
  for (unsigned i = 0; i < numNodes; ++i)
    for (const auto &in : graph.node(i).input()) {
      auto p = producer.find(in);
      if (in.empty() || p == producer.end())
        continue;
      ++pending[i];
      consumers[p->second].push_back(i);
    }
  std::deque<unsigned> ready;
  for (unsigned i = 0; i < numNodes; ++i)
    if (!pending[i])
      ready.push_back(i);
  while (!ready.empty()) {
    unsigned i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (unsigned c : consumers[i])
      if (--pending[c] == 0)
        ready.push_back(c);
  }
  if (order.size() != numNodes) {
    for (unsigned i = 0; i < numNodes; ++i)
      if (pending[i])
        return emitError(fileLoc(i))
               << "the graph has a cycle through node '"
               << nodeName(graph.node(i), i) << "' (" << graph.node(i).op_type()
               << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
                         int64_t opset, Location loc, OpBuilder &builder)
    : node(node), opset(opset), loc(loc), b(builder), importer(importer) {}

const OnnxImportOptions &NodeContext::options() const {
  return importer.options;
}

InFlightDiagnostic NodeContext::error() {
  InFlightDiagnostic d = emitError(loc);
  std::string name = node.name();
  if (auto nameLoc = dyn_cast<NameLoc>(loc))
    name = nameLoc.getName().str();
  d << "node '" << name << "' (" << node.op_type() << "): ";
  return d;
}

Value NodeContext::input(unsigned i) {
  if (i >= (unsigned)node.input_size() || node.input(i).empty())
    return {};
  return importer.values.lookup(node.input(i));
}

LogicalResult NodeContext::checkInputs(unsigned min, unsigned max) {
  unsigned n = node.input_size();
  if (n < min || n > max) {
    InFlightDiagnostic d = error();
    d << "expected ";
    if (min == max)
      d << min;
    else if (max == ~0u)
      d << "at least " << min;
    else
      d << min << " to " << max;
    d << " inputs, got " << n;
    return d;
  }
  for (unsigned i = 0; i < min; ++i)
    if (!input(i))
      return error() << "required input " << i << " is missing";
  return success();
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

LogicalResult NodeContext::intAttr(StringRef name, int64_t &out) {
  const auto *a = attr(name);
  if (!a)
    return success();
  if (a->type() != onnx::AttributeProto::INT && !a->has_i())
    return error() << "attribute '" << name << "' must be an int";
  out = a->i();
  return success();
}

LogicalResult NodeContext::floatAttr(StringRef name, float &out) {
  const auto *a = attr(name);
  if (!a)
    return success();
  if (a->type() != onnx::AttributeProto::FLOAT && !a->has_f())
    return error() << "attribute '" << name << "' must be a float";
  out = a->f();
  return success();
}

LogicalResult NodeContext::intsAttr(StringRef name,
                                    SmallVectorImpl<int64_t> &out,
                                    bool &present) {
  present = false;
  const auto *a = attr(name);
  if (!a)
    return success();
  if (a->type() != onnx::AttributeProto::INTS && a->ints_size() == 0 &&
      a->type() != onnx::AttributeProto::UNDEFINED)
    return error() << "attribute '" << name << "' must be a list of ints";
  out.assign(a->ints().begin(), a->ints().end());
  present = true;
  return success();
}

LogicalResult NodeContext::stringAttr(StringRef name, std::string &out) {
  const auto *a = attr(name);
  if (!a)
    return success();
  if (a->type() != onnx::AttributeProto::STRING && !a->has_s())
    return error() << "attribute '" << name << "' must be a string";
  out = a->s();
  return success();
}

LogicalResult NodeContext::tensorAttr(StringRef name, ElementsAttr &out) {
  const auto *a = attr(name);
  if (!a)
    return success();
  if (!a->has_t())
    return error() << "attribute '" << name << "' must be a tensor";
  std::string what = node.name() + "." + name.str();
  auto attr = importer.convertTensor(a->t(), what, loc);
  if (failed(attr))
    return failure();
  out = *attr;
  return success();
}

Value NodeContext::constI64(ArrayRef<int64_t> values,
                            std::optional<ArrayRef<int64_t>> shape) {
  SmallVector<int64_t> s;
  if (shape)
    s.assign(shape->begin(), shape->end());
  else
    s.push_back(values.size());
  auto type = RankedTensorType::get(s, b.getI64Type());
  return constant(DenseElementsAttr::get(type, values));
}

Value NodeContext::constant(ElementsAttr value) {
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(value));
}

RankedTensorType NodeContext::declaredOutputType(unsigned i) {
  if (i >= (unsigned)node.output_size() || node.output(i).empty())
    return {};
  return importer.declaredType(node.output(i));
}

void NodeContext::setOutput(unsigned i, Value v) {
  if (i < (unsigned)node.output_size() && !node.output(i).empty())
    importer.values[node.output(i)] = v;
}

/// Refines `computed` with the static sizes of `declared`. Fails when they
/// disagree on element type, rank or a static size.
static FailureOr<RankedTensorType> mergeTypes(RankedTensorType computed,
                                              RankedTensorType declared) {
  if (!declared)
    return computed;
  if (computed.getElementType() != declared.getElementType() ||
      computed.getRank() != declared.getRank())
    return failure();
  SmallVector<int64_t> dims(computed.getShape());
  for (auto [d, decl] : llvm::zip(dims, declared.getShape())) {
    if (ShapedType::isDynamic(decl))
      continue;
    if (ShapedType::isDynamic(d))
      d = decl;
    else if (d != decl)
      return failure();
  }
  return RankedTensorType::get(dims, computed.getElementType());
}

FailureOr<SmallVector<Value>>
NodeContext::create(StringRef opName, ValueRange operands,
                    ArrayRef<NamedAttribute> attrs, ArrayRef<Type> types,
                    unsigned firstOutput) {
  std::optional<RegisteredOperationName> name =
      RegisteredOperationName::lookup(opName, ctx());
  if (!name)
    return error() << "op '" << opName << "' is not registered";
  bool infers = name->hasInterface<InferTypeOpInterface>();
  if (!infers && types.empty())
    return error() << "cannot determine the result type";
  OperationState state(loc, *name);
  state.addOperands(operands);
  state.addAttributes(attrs);
  if (infers)
    state.addTypes(UnrankedTensorType::get(b.getF32Type()));
  else
    state.addTypes(types);
  Operation *op = b.create(state);
  if (infers) {
    SmallVector<Type> inferred;
    auto iface = cast<InferTypeOpInterface>(op);
    if (failed(iface.inferReturnTypes(ctx(), loc, op->getOperands(),
                                      op->getRawDictionaryAttrs(),
                                      op->getPropertiesStorage(),
                                      op->getRegions(), inferred)) ||
        inferred.size() != op->getNumResults()) {
      op->erase();
      return failure();
    }
    for (auto [r, t] : llvm::zip(op->getResults(), inferred))
      r.setType(t);
  }
  // Refine with the declared output types, except where the op requires its
  // result type to equal an operand's.
  bool sameType = op->hasTrait<OpTrait::SameOperandsAndResultType>() ||
                  isa<qgraph::TriluOp>(op);
  for (auto [i, r] : llvm::enumerate(op->getResults())) {
    auto computed = dyn_cast<RankedTensorType>(r.getType());
    RankedTensorType decl = declaredOutputType(firstOutput + i);
    if (!computed || !decl)
      continue;
    FailureOr<RankedTensorType> merged = mergeTypes(computed, decl);
    if (failed(merged)) {
      op->erase();
      return error() << "output '" << node.output(firstOutput + i)
                     << "' is declared as " << decl << " but computes "
                     << computed;
    }
    if (!sameType)
      r.setType(*merged);
  }
  if (failed(mlir::verify(op, /*verifyRecursively=*/false))) {
    op->erase();
    return failure();
  }
  SmallVector<Value> results(op->getResults());
  if (options().shouldFold()) {
    SmallVector<Value> folded;
    if (succeeded(b.tryFold(op, folded)) && !folded.empty()) {
      bool sameTypes = llvm::all_of(
          llvm::zip(folded, op->getResults()),
          [](auto p) { return std::get<0>(p).getType() == std::get<1>(p).getType(); });
      if (sameTypes) {
        op->erase();
        return SmallVector<Value>(folded);
      }
    }
    if (Value v = evaluateSmallIntOp(b, op, options().maxInlineElements)) {
      op->erase();
      results.assign({v});
    }
  }
  return results;
}

//===----------------------------------------------------------------------===//
// Building the function
//===----------------------------------------------------------------------===//

FailureOr<OwningOpRef<ModuleOp>> GraphImporter::run(onnx::ModelProto &model) {
  if (failed(checkModel(model)))
    return failure();
  onnx::GraphProto &graph = *model.mutable_graph();
  SmallVector<unsigned> order;
  SmallVector<HandlerFn> handlers;
  if (failed(checkGraph(graph, order, handlers)))
    return failure();

  // Declared types: value_info, then graph outputs.
  for (const auto &vi : graph.value_info())
    if (auto t = convertTypeProto(vi.type()))
      declared[vi.name()] = t;
  for (const auto &vi : graph.output())
    if (auto t = convertTypeProto(vi.type()))
      declared[vi.name()] = t;

  // Graph inputs and their pins.
  llvm::StringSet<> initNames;
  for (const auto &init : graph.initializer())
    initNames.insert(init.name());
  SmallVector<Type> argTypes;
  SmallVector<Attribute> inputNames;
  SmallVector<const onnx::ValueInfoProto *> inputs;
  llvm::StringSet<> pinsUsed;
  for (const auto &in : graph.input()) {
    if (initNames.count(in.name()))
      continue;
    if (!in.type().has_tensor_type())
      return fileError() << "graph input '" << in.name()
                         << "' is not a tensor";
    int32_t et = in.type().tensor_type().elem_type();
    Type elem = convertElementType(&ctx, et);
    if (!elem)
      return fileError() << "graph input '" << in.name()
                         << "' has unsupported element type "
                         << onnxTypeName(et);
    if (in.type().tensor_type().has_shape())
      for (const auto &d : in.type().tensor_type().shape().dim())
        if (d.has_dim_value() &&
            (d.dim_value() < 0 || d.dim_value() > (int64_t(1) << 40)))
          return fileError() << "graph input '" << in.name()
                             << "' has an invalid dimension ("
                             << d.dim_value() << ")";
    auto pin = options.pinnedShapes.find(in.name());
    RankedTensorType type = convertTypeProto(in.type());
    if (!type) {
      if (pin == options.pinnedShapes.end())
        return fileError() << "graph input '" << in.name()
                           << "' has no shape; pin one with --shape "
                           << in.name() << "=...";
      type = RankedTensorType::get(pin->second, elem);
    }
    if (pin != options.pinnedShapes.end()) {
      pinsUsed.insert(in.name());
      if ((int64_t)pin->second.size() != type.getRank())
        return fileError() << "shape pin for input '" << in.name() << "' has "
                           << pin->second.size() << " dimensions but the input "
                           << "has rank " << type.getRank();
      SmallVector<int64_t> dims(type.getShape());
      for (auto [i, d] : llvm::enumerate(dims)) {
        int64_t p = pin->second[i];
        if (ShapedType::isDynamic(p))
          continue;
        if (!ShapedType::isDynamic(d) && d != p)
          return fileError() << "shape pin for input '" << in.name()
                             << "' sets dimension " << i << " to " << p
                             << " but the model fixes it to " << d;
        d = p;
      }
      type = RankedTensorType::get(dims, elem);
    }
    argTypes.push_back(type);
    inputNames.push_back(StringAttr::get(&ctx, in.name()));
    inputs.push_back(&in);
  }
  for (const auto &pin : options.pinnedShapes)
    if (!pinsUsed.count(pin.getKey())) {
      std::string names;
      for (const auto *in : inputs)
        names += (names.empty() ? "" : ", ") + in->name();
      return fileError() << "shape pin names '" << pin.getKey()
                         << "', which is not a graph input (inputs: " << names
                         << ")";
    }

  OpBuilder b(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc(0));
  module->getOperation()->setAttr(
      "qgraph.source", StringAttr::get(&ctx, llvm::sys::path::filename(modelPath)));
  if (!model.producer_name().empty())
    module->getOperation()->setAttr(
        "qgraph.producer",
        StringAttr::get(&ctx, model.producer_name() +
                                  (model.producer_version().empty()
                                       ? ""
                                       : " " + model.producer_version())));
  module->getOperation()->setAttr("qgraph.opset",
                                  b.getI64IntegerAttr(opsets.lookup("")));
  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, fileLoc(0), "main",
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, in] : llvm::enumerate(inputs)) {
    func.setArgAttr(i, "qgraph.name", StringAttr::get(&ctx, in->name()));
    entry->getArgument(i).setLoc(NameLoc::get(
        StringAttr::get(&ctx, in->name()), fileLoc(0)));
    values[in->name()] = entry->getArgument(i);
  }
  b.setInsertionPointToEnd(entry);

  // Initializers, in file order.
  for (const auto &init : graph.initializer()) {
    Location loc = NameLoc::get(StringAttr::get(&ctx, init.name()), fileLoc(0));
    FailureOr<ElementsAttr> attr = convertTensor(init, init.name(), loc);
    if (failed(attr))
      return failure();
    values[init.name()] =
        arith::ConstantOp::create(b, loc, cast<TypedAttr>(*attr));
  }

  // Which values are read (to tell unmodelled-but-unused outputs apart).
  llvm::StringSet<> used;
  for (const auto &node : graph.node())
    for (const auto &in : node.input())
      used.insert(in);
  for (const auto &out : graph.output())
    used.insert(out.name());

  for (unsigned i : order) {
    const onnx::NodeProto &node = graph.node(i);
    std::string name = nodeName(node, i);
    Location loc = NameLoc::get(StringAttr::get(&ctx, name), fileLoc(i));
    int64_t opset = opsets.lookup(canonicalDomain(node.domain()));
    NodeContext nc(*this, node, opset, loc, b);
    if (failed(handlers[i](nc)))
      return failure();
    for (auto [k, out] : llvm::enumerate(node.output())) {
      if (out.empty() || values.count(out))
        continue;
      if (used.count(out))
        return emitError(loc) << "node '" << name << "' (" << node.op_type()
                              << "): output " << k << " ('" << out
                              << "') is used but not supported by the "
                                 "importer";
    }
  }

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  SmallVector<Attribute> outputNames;
  for (const auto &out : graph.output()) {
    Value v = values.lookup(out.name());
    if (!v)
      return fileError() << "graph output '" << out.name()
                         << "' was not computed";
    results.push_back(v);
    resultTypes.push_back(v.getType());
    outputNames.push_back(StringAttr::get(&ctx, out.name()));
  }
  func::ReturnOp::create(b, fileLoc(graph.node_size()), results);
  func.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  func->setAttr("qgraph.input_names", b.getArrayAttr(inputNames));
  func->setAttr("qgraph.output_names", b.getArrayAttr(outputNames));

  if (failed(mlir::verify(*module)))
    return failure();
  return module;
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

namespace {
/// Silences protobuf's own logging (errors are reported as diagnostics).
struct ProtobufLogSilencer {
  ProtobufLogSilencer() { google::protobuf::SetLogHandler(nullptr); }
};
} // namespace

static void silenceProtobuf() { static ProtobufLogSilencer silencer; }

/// Explains why `data` did not parse: a top-level field that runs past the
/// end means a truncated file; anything else is not an ONNX protobuf.
static InFlightDiagnostic explainParseFailure(InFlightDiagnostic diag,
                                              StringRef path,
                                              ArrayRef<uint8_t> data) {
  size_t pos = 0, size = data.size();
  auto readVarint = [&](uint64_t &v) {
    v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos >= size)
        return false;
      uint8_t byte = data[pos++];
      v |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return true;
    }
    return false;
  };
  // ModelProto field numbers and wire types.
  auto knownField = [](uint64_t field, unsigned wire) {
    switch (field) {
    case 1: case 5: return wire == 0;           // ir_version, model_version
    case 2: case 3: case 4: case 6: case 7: case 8: case 14: case 20: case 25:
      return wire == 2;
    default: return false;
    }
  };
  bool sawField = false;
  while (pos < size) {
    size_t fieldStart = pos;
    uint64_t tag;
    if (!readVarint(tag))
      break;
    unsigned wire = tag & 7;
    uint64_t field = tag >> 3;
    if (!knownField(field, wire)) {
      if (!sawField)
        return std::move(diag) << "'" << path
                               << "' is not an ONNX model (not a protobuf "
                                  "ModelProto)";
      break;
    }
    uint64_t v;
    if (wire == 0) {
      if (!readVarint(v))
        return std::move(diag) << "'" << path
                               << "' is truncated (ends inside field " << field
                               << " at byte " << fieldStart << ")";
    } else {
      if (!readVarint(v))
        return std::move(diag) << "'" << path
                               << "' is truncated (ends inside field " << field
                               << " at byte " << fieldStart << ")";
      if (v > size - pos)
        return std::move(diag)
               << "'" << path << "' is truncated (field " << field << " needs "
               << v << " bytes at byte " << pos << ", the file has "
               << size - pos << " left)";
      pos += v;
    }
    sawField = true;
  }
  return std::move(diag) << "'" << path
                         << "' is not a valid ONNX model (malformed protobuf)";
}

static FailureOr<OwningOpRef<ModuleOp>>
importParsed(MLIRContext &context, onnx::ModelProto &model, StringRef path,
             const OnnxImportOptions &options) {
  context.loadDialect<qgraph::QGraphDialect, arith::ArithDialect,
                      func::FuncDialect>();
  GraphImporter importer(context, path, options);
  return importer.run(model);
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::qm::importOnnxModelFromBuffer(MLIRContext &context, StringRef buffer,
                                    StringRef modelPath,
                                    const OnnxImportOptions &options) {
  silenceProtobuf();
  Location loc = FileLineColLoc::get(&context, modelPath, 0, 0);
  if (buffer.empty())
    return emitError(loc) << "'" << modelPath << "' is empty";
  if (buffer.size() > size_t(INT32_MAX))
    return emitError(loc) << "'" << modelPath
                          << "' is larger than 2 GiB; store the weights as "
                             "external data";
  onnx::ModelProto model;
  if (!model.ParseFromArray(buffer.data(), (int)buffer.size()))
    return explainParseFailure(
        emitError(loc), modelPath,
        ArrayRef<uint8_t>((const uint8_t *)buffer.data(), buffer.size()));
  return importParsed(context, model, modelPath, options);
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::qm::importOnnxModel(MLIRContext &context, StringRef path,
                          const OnnxImportOptions &options) {
  silenceProtobuf();
  Location loc = FileLineColLoc::get(&context, path, 0, 0);
  std::string p = path.str();
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return emitError(loc) << "cannot open model '" << path
                          << "': " << std::strerror(errno);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return emitError(loc) << "model '" << path << "' is not a regular file";
  }
  if (st.st_size == 0) {
    ::close(fd);
    return emitError(loc) << "'" << path << "' is empty";
  }
  if (st.st_size > INT32_MAX) {
    ::close(fd);
    return emitError(loc) << "'" << path
                          << "' is larger than 2 GiB; store the weights as "
                             "external data";
  }
  onnx::ModelProto model;
  bool ok;
  {
    // Streamed: only the parsed message holds the weights' bytes.
    google::protobuf::io::FileInputStream stream(fd, 1 << 20);
    ok = model.ParseFromZeroCopyStream(&stream);
  }
  if (!ok) {
    InFlightDiagnostic diag = emitError(loc);
    void *addr = ::mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (addr == MAP_FAILED)
      return std::move(diag) << "'" << path << "' is not a valid ONNX model";
    llvm::scope_exit unmap([&] { ::munmap(addr, st.st_size); });
    return explainParseFailure(
        std::move(diag), path,
        ArrayRef<uint8_t>((const uint8_t *)addr, st.st_size));
  }
  ::close(fd);
  return importParsed(context, model, path, options);
}

//===----------------------------------------------------------------------===//
// Options and registration
//===----------------------------------------------------------------------===//

LogicalResult mlir::qm::parseShapePin(StringRef spec, OnnxImportOptions &options,
                                      std::string &error) {
  auto [name, dimsStr] = spec.split('=');
  name = name.trim();
  if (name.empty() || !spec.contains('=')) {
    error = "invalid shape pin '" + spec.str() +
            "' (expected name=DIMS, e.g. input_ids=1x128)";
    return failure();
  }
  SmallVector<int64_t> dims;
  dimsStr = dimsStr.trim();
  if (!dimsStr.empty()) {
    SmallVector<StringRef> parts;
    dimsStr.split(parts, 'x');
    for (StringRef part : parts) {
      part = part.trim();
      if (part == "?") {
        dims.push_back(ShapedType::kDynamic);
        continue;
      }
      int64_t d;
      if (part.getAsInteger(10, d) || d < 0 || d > (int64_t(1) << 40)) {
        error = "invalid size '" + part.str() + "' in shape pin '" +
                spec.str() + "'";
        return failure();
      }
      dims.push_back(d);
    }
  }
  if (options.pinnedShapes.count(name)) {
    error = "input '" + name.str() + "' is pinned twice";
    return failure();
  }
  options.pinnedShapes[name] = dims;
  return success();
}

void mlir::qm::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<qgraph::QGraphDialect, arith::ArithDialect,
                  func::FuncDialect>();
}
