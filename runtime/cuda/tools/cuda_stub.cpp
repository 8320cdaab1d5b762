//===- cuda_stub.cpp - driver-API stand-ins for device-free tools --------===//
//
// Part of quant-mlir. qm-dqgemm-plan compiles the CUDA runtime
// (qmrt_cuda.cpp) into itself so that it runs where no libcuda.so.1 exists
// (CI, machines without a GPU). It only plans through an offline context
// (qmrt_cuda_create_offline), which makes no driver call; these stand-ins
// satisfy the linker and fail with CUDA_ERROR_NO_DEVICE if anything else
// is called.
//
//===----------------------------------------------------------------------===//

#include <cuda.h>

namespace {
CUresult noDevice() { return CUDA_ERROR_NO_DEVICE; }
} // namespace

extern "C" {
CUresult CUDAAPI cuInit(unsigned int) { return noDevice(); }
CUresult CUDAAPI cuDeviceGet(CUdevice *, int) { return noDevice(); }
CUresult CUDAAPI cuDeviceGetAttribute(int *, CUdevice_attribute, CUdevice) {
  return noDevice();
}
CUresult CUDAAPI cuDevicePrimaryCtxRetain(CUcontext *, CUdevice) {
  return noDevice();
}
CUresult CUDAAPI cuDevicePrimaryCtxRelease(CUdevice) { return noDevice(); }
CUresult CUDAAPI cuCtxSetCurrent(CUcontext) { return noDevice(); }
CUresult CUDAAPI cuCtxSynchronize(void) { return noDevice(); }
CUresult CUDAAPI cuFuncGetAttribute(int *, CUfunction_attribute, CUfunction) {
  return noDevice();
}
CUresult CUDAAPI cuFuncSetAttribute(CUfunction, CUfunction_attribute, int) {
  return noDevice();
}
CUresult CUDAAPI cuGetErrorName(CUresult, const char **s) {
  *s = "CUDA_ERROR_NO_DEVICE";
  return CUDA_SUCCESS;
}
CUresult CUDAAPI cuGetErrorString(CUresult, const char **s) {
  *s = "no CUDA driver in this tool (offline planning only)";
  return CUDA_SUCCESS;
}
CUresult CUDAAPI cuLaunchKernel(CUfunction, unsigned, unsigned, unsigned,
                                unsigned, unsigned, unsigned, unsigned,
                                CUstream, void **, void **) {
  return noDevice();
}
CUresult CUDAAPI cuLaunchKernelEx(const CUlaunchConfig *, CUfunction, void **,
                                  void **) {
  return noDevice();
}
CUresult CUDAAPI cuMemAlloc(CUdeviceptr *, size_t) { return noDevice(); }
CUresult CUDAAPI cuMemFree(CUdeviceptr) { return noDevice(); }
CUresult CUDAAPI cuMemcpyDtoH(void *, CUdeviceptr, size_t) {
  return noDevice();
}
CUresult CUDAAPI cuMemcpyHtoD(CUdeviceptr, const void *, size_t) {
  return noDevice();
}
CUresult CUDAAPI cuMemsetD32(CUdeviceptr, unsigned int, size_t) {
  return noDevice();
}
CUresult CUDAAPI cuMemsetD8(CUdeviceptr, unsigned char, size_t) {
  return noDevice();
}
CUresult CUDAAPI cuModuleGetFunction(CUfunction *, CUmodule, const char *) {
  return noDevice();
}
CUresult CUDAAPI cuModuleLoadData(CUmodule *, const void *) {
  return noDevice();
}
CUresult CUDAAPI cuModuleUnload(CUmodule) { return noDevice(); }
CUresult CUDAAPI cuOccupancyMaxActiveBlocksPerMultiprocessor(int *, CUfunction,
                                                            int, size_t) {
  return noDevice();
}
}
