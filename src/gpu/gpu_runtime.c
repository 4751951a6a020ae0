/*
 * gpu_runtime.c — dlopen/dlsym of the CUDA runtime and nvCOMP, once per
 * process (gpu_runtime.h). Order of the checks, each with its own reason:
 * S4C_GPU_DISABLE set, backend compiled without nvCOMP headers, libcudart
 * missing (or a symbol of it), libnvcomp missing, cudaGetDeviceCount failing
 * or reporting no device.
 */
#include "gpu_runtime.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "s4codec_gpu.h"

static s4c_gpu_runtime runtime;
static int runtime_ok;
static char reason[320];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *open_first(const char *env, const char *const *names, char *err, size_t errsz) {
    const char *forced = getenv(env);
    if (forced && *forced) {
        void *h = dlopen(forced, RTLD_NOW | RTLD_LOCAL);
        if (!h) snprintf(err, errsz, "%s", dlerror());
        return h;
    }
    for (size_t i = 0; names[i]; i++) {
        void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (h) return h;
        snprintf(err, errsz, "%s", dlerror());
    }
    return NULL;
}

/* Stores dlsym(handle, name) into *slot (a function pointer of any type). */
static int resolve(void *handle, const char *name, void *slot, size_t slot_size) {
    void *sym = dlsym(handle, name);
    if (!sym) return 0;
    memcpy(slot, &sym, slot_size); /* POSIX: data and function pointers share a size */
    return 1;
}

#define RESOLVE(field, sym)                                                                        \
    if (!resolve(runtime.cudart_handle, sym, &runtime.rt.field, sizeof runtime.rt.field)) {        \
        snprintf(reason, sizeof reason, "libcudart lacks %s", sym);                                \
        return;                                                                                    \
    }

static void load(void) {
    if (getenv("S4C_GPU_DISABLE") && *getenv("S4C_GPU_DISABLE")) {
        snprintf(reason, sizeof reason, "GPU disabled by S4C_GPU_DISABLE");
        return;
    }
    if (!s4c_gpu_backend_compiled()) {
        snprintf(reason, sizeof reason,
                 "libs4codec was built without nvCOMP headers (see docs/gpu.md)");
        return;
    }
    char err[256] = "no candidate";
    static const char *const cudart_names[] = {"libcudart.so.13", "libcudart.so.12", "libcudart.so",
                                               NULL};
    runtime.cudart_handle = open_first("S4C_CUDART_LIB", cudart_names, err, sizeof err);
    if (!runtime.cudart_handle) {
        snprintf(reason, sizeof reason, "libcudart not found: %s", err);
        return;
    }
    RESOLVE(GetDeviceCount, "cudaGetDeviceCount");
    RESOLVE(GetErrorString, "cudaGetErrorString");
    RESOLVE(Malloc, "cudaMalloc");
    RESOLVE(Free, "cudaFree");
    RESOLVE(MallocHost, "cudaMallocHost");
    RESOLVE(FreeHost, "cudaFreeHost");
    RESOLVE(MemcpyAsync, "cudaMemcpyAsync");
    RESOLVE(StreamCreate, "cudaStreamCreate");
    RESOLVE(StreamDestroy, "cudaStreamDestroy");
    RESOLVE(StreamSynchronize, "cudaStreamSynchronize");
    RESOLVE(EventCreate, "cudaEventCreate");
    RESOLVE(EventRecord, "cudaEventRecord");
    RESOLVE(EventSynchronize, "cudaEventSynchronize");
    RESOLVE(EventElapsedTime, "cudaEventElapsedTime");
    RESOLVE(EventDestroy, "cudaEventDestroy");
    static const char *const nvcomp_names[] = {"libnvcomp.so.6", "libnvcomp.so", NULL};
    runtime.nvcomp_handle = open_first("S4C_NVCOMP_LIB", nvcomp_names, err, sizeof err);
    if (!runtime.nvcomp_handle) {
        snprintf(reason, sizeof reason, "libnvcomp not found: %s", err);
        return;
    }
    int count = 0;
    int rc = runtime.rt.GetDeviceCount(&count);
    if (rc != 0) {
        snprintf(reason, sizeof reason, "no CUDA device (cudaGetDeviceCount: %s)",
                 runtime.rt.GetErrorString(rc));
        return;
    }
    if (count <= 0) {
        snprintf(reason, sizeof reason, "no CUDA device (cudaGetDeviceCount reports 0)");
        return;
    }
    runtime.devices = count;
    runtime_ok = 1;
    reason[0] = '\0';
}

const s4c_gpu_runtime *s4c_gpu_runtime_get(void) {
    pthread_once(&once, load);
    return runtime_ok ? &runtime : NULL;
}

const char *s4c_gpu_reason(void) {
    pthread_once(&once, load);
    return reason;
}

void *s4c_gpu_nvcomp_symbol(const char *name) {
    const s4c_gpu_runtime *r = s4c_gpu_runtime_get();
    return r ? dlsym(r->nvcomp_handle, name) : NULL;
}

int s4c_gpu_available(void) { return s4c_gpu_runtime_get() != NULL; }

const char *s4c_gpu_unavailable_reason(void) { return s4c_gpu_reason(); }
