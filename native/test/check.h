// check.h — the tiny test harness shared by the core's test programs:
// CHECK(cond, printf-args…) counts passes and failures and prints the first
// failures with file, line and the current context (g_ctx).
#pragma once

#include <cstdio>
#include <string>

inline int g_pass = 0, g_fail = 0;
inline std::string g_ctx;

#define CHECK(cond, ...)                                                                 \
  do {                                                                                   \
    if (cond) {                                                                          \
      ++g_pass;                                                                          \
    } else {                                                                             \
      ++g_fail;                                                                          \
      if (g_fail <= 60) {                                                                \
        std::printf("FAIL %s:%d [%s] %s: ", __FILE__, __LINE__, g_ctx.c_str(), #cond);   \
        std::printf(__VA_ARGS__);                                                        \
        std::printf("\n");                                                               \
      }                                                                                  \
    }                                                                                    \
  } while (0)
