/*
 * gpu_runtime.h — the CUDA runtime and nvCOMP, loaded at run time.
 *
 * One build runs on machines with and without a GPU: nothing links against
 * libcudart or libnvcomp. The first use dlopen()s both (S4C_CUDART_LIB /
 * S4C_NVCOMP_LIB name exact files; otherwise the usual sonames are tried),
 * resolves the few CUDA runtime entry points we call, and asks for a device.
 * The outcome is cached; s4c_gpu_reason() says why the GPU is unusable.
 * The CUDA runtime prototypes below are the documented C ABI (cudaError_t is
 * an int enum, streams and events opaque pointers), so no CUDA header is
 * needed to build this file.
 */
#ifndef S4C_GPU_RUNTIME_H
#define S4C_GPU_RUNTIME_H

#include "../core/codec_internal.h"

enum { S4C_CUDA_HOST_TO_DEVICE = 1, S4C_CUDA_DEVICE_TO_HOST = 2 };

typedef struct s4c_cudart {
    int (*GetDeviceCount)(int *count);
    const char *(*GetErrorString)(int err);
    int (*Malloc)(void **ptr, size_t size);
    int (*Free)(void *ptr);
    int (*MallocHost)(void **ptr, size_t size);
    int (*FreeHost)(void *ptr);
    int (*MemcpyAsync)(void *dst, const void *src, size_t n, int kind, void *stream);
    int (*StreamCreate)(void **stream);
    int (*StreamDestroy)(void *stream);
    int (*StreamSynchronize)(void *stream);
    int (*EventCreate)(void **event);
    int (*EventRecord)(void *event, void *stream);
    int (*EventSynchronize)(void *event);
    int (*EventElapsedTime)(float *ms, void *start, void *end);
    int (*EventDestroy)(void *event);
} s4c_cudart;

typedef struct s4c_gpu_runtime {
    s4c_cudart rt;
    void *cudart_handle;
    void *nvcomp_handle; /* resolve nvCOMP symbols from here (nvcomp_batch.c) */
    int devices;
} s4c_gpu_runtime;

/* The loaded runtime, or NULL when the GPU is unusable (see s4c_gpu_reason). */
S4C_INTERNAL const s4c_gpu_runtime *s4c_gpu_runtime_get(void);
/* Why the GPU is unusable ("" when it is usable). Stable for the process. */
S4C_INTERNAL const char *s4c_gpu_reason(void);
/* Resolves `name` in libnvcomp; NULL when missing. */
S4C_INTERNAL void *s4c_gpu_nvcomp_symbol(const char *name);

#endif /* S4C_GPU_RUNTIME_H */
