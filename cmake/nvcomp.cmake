# GPU backend (src/gpu/, docs/gpu.md). The nvCOMP backend compiles whenever
# nvCOMP's C headers are found; the libraries are never linked: libs4codec
# dlopen()s libcudart and libnvcomp at run time, so one build runs with and
# without a GPU. Headers come from the PyPI wheel nvidia-libnvcomp-cu13
# (nvidia/libnvcomp/include) or an nvCOMP archive. Point at them with
#   -DS4C_NVCOMP_INCLUDE_DIR=<dir holding nvcomp/zstd.h>  or
#   -DS4C_NVCOMP_ROOT=<dir with include/>  (or the NVCOMP_ROOT environment variable);
# otherwise a wheel installed in the project's virtual environments is found.
# -DS4C_GPU=OFF leaves the backend out (every GPU kind then reports why).
option(S4C_GPU "Compile the nvCOMP GPU backend when its headers are found" ON)
set(S4C_NVCOMP_ROOT "$ENV{NVCOMP_ROOT}" CACHE PATH "nvCOMP install or wheel root (holds include/)")
if(S4C_GPU)
  file(GLOB S4C_NVCOMP_WHEEL_INCLUDES
    ${PROJECT_SOURCE_DIR}/.venv*/lib/python3*/site-packages/nvidia/libnvcomp/include)
  find_path(S4C_NVCOMP_INCLUDE_DIR nvcomp/zstd.h
    HINTS ${S4C_NVCOMP_ROOT}/include ${S4C_NVCOMP_ROOT}/nvidia/libnvcomp/include
          ${S4C_NVCOMP_WHEEL_INCLUDES}
    DOC "Directory holding nvcomp/zstd.h (nvCOMP headers)")
  if(S4C_NVCOMP_INCLUDE_DIR)
    message(STATUS "s4codec: GPU backend with nvCOMP headers from ${S4C_NVCOMP_INCLUDE_DIR}")
  else()
    message(STATUS "s4codec: nvCOMP headers not found; GPU kinds report 'built without nvCOMP headers' (docs/gpu.md)")
  endif()
else()
  unset(S4C_NVCOMP_INCLUDE_DIR CACHE)
endif()
