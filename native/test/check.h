// check.h — the tiny test harness shared by the core's test programs:
// CHECK(cond, printf-args…) counts passes and failures and prints the first
// failures with file, line and the current context (g_ctx).
#pragma once

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "quench/engine.h"

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

// One test configuration: every test program runs its fixture for each
// ISA × precision × thread count × fusion setting (qsim's one-fixture rule).
struct Variant {
  quench::Isa isa;
  quench::Precision prec;
  unsigned threads;
  unsigned fusion;
  quench::ExecOptions opts() const {
    quench::ExecOptions o;
    o.isa = isa;
    o.threads = threads;
    return o;
  }
  std::string name() const {
    return std::string(quench::to_string(isa)) + "/" + quench::to_string(prec) + "/t" + std::to_string(threads) + "/fuse" +
           std::to_string(fusion);
  }
};

// Expect f() to throw quench::Error of `kind` (and, if given, a message containing `contains`).
template <typename F>
void expect_error(quench::Error::Kind kind, const char* what, F&& f, const char* contains = nullptr) {
  try {
    f();
    CHECK(false, "%s: no error", what);
  } catch (const quench::Error& e) {
    CHECK(e.kind == kind, "%s: kind %d (%s)", what, int(e.kind), e.what());
    if (contains) CHECK(std::strstr(e.what(), contains) != nullptr, "%s: message '%s'", what, e.what());
  } catch (const std::exception& e) {
    CHECK(false, "%s: wrong exception %s", what, e.what());
  }
}
