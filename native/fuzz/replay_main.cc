// replay_main.cc — runs the fuzz harness (program_fuzzer.cc) without libFuzzer,
// so any compiler can build it: every file of the corpus, then a fixed number
// of deterministic mutations of them (seeded SplitMix64: the same inputs on
// every run, so the budget is fixed and a failure reproduces).
//
//   quench_fuzz_replay [--mutations N] [--seed S] [--max-len L] [--slow-ms T] PATH...
//
// PATH is a corpus directory or a file. When an oracle aborts, the input that
// failed is written to ./replay-crash-input (and its name printed) first.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "splitmix.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
using Rng = SplitMix64;

const std::vector<std::uint8_t>* g_current = nullptr;
const char* g_current_name = "";

void on_abort(int sig) {
  if (g_current) {
    const int fd = ::open("replay-crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      const char* p = reinterpret_cast<const char*>(g_current->data());
      std::size_t left = g_current->size();
      while (left > 0) {
        const ssize_t w = ::write(fd, p, left);
        if (w <= 0) break;
        p += w;
        left -= static_cast<std::size_t>(w);
      }
      ::close(fd);
    }
    const char msg[] = "replay: the failing input is in ./replay-crash-input (from ";
    (void)!::write(2, msg, sizeof msg - 1);
    (void)!::write(2, g_current_name, std::strlen(g_current_name));
    (void)!::write(2, ")\n", 2);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

bool read_file(const std::string& path, std::vector<std::uint8_t>& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

void mutate(std::vector<std::uint8_t>& d, const std::vector<std::vector<std::uint8_t>>& all, Rng& rng,
            std::size_t max_len) {
  static const std::uint8_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, 0x40, 0x3f, 0xfe, 0x10, 0x20};
  const unsigned ops = 1 + static_cast<unsigned>(rng.below(4));
  for (unsigned k = 0; k < ops; ++k) {
    switch (rng.below(8)) {
      case 0:  // flip a bit
        if (!d.empty()) d[rng.below(d.size())] ^= static_cast<std::uint8_t>(1u << rng.below(8));
        break;
      case 1:  // random byte
        if (!d.empty()) d[rng.below(d.size())] = static_cast<std::uint8_t>(rng.next());
        break;
      case 2:  // interesting byte
        if (!d.empty()) d[rng.below(d.size())] = kInteresting[rng.below(sizeof kInteresting)];
        break;
      case 3:  // insert bytes
        d.insert(d.begin() + static_cast<long>(rng.below(d.size() + 1)), 1 + rng.below(8),
                 static_cast<std::uint8_t>(rng.next()));
        break;
      case 4:  // erase bytes
        if (!d.empty()) {
          const std::size_t at = rng.below(d.size());
          const std::size_t len = std::min(d.size() - at, 1 + rng.below(8));
          d.erase(d.begin() + static_cast<long>(at), d.begin() + static_cast<long>(at + len));
        }
        break;
      case 5:  // add to a byte
        if (!d.empty()) d[rng.below(d.size())] += static_cast<std::uint8_t>(1 + rng.below(16));
        break;
      case 6: {  // splice: our head, another input's tail
        const std::vector<std::uint8_t>& o = all[rng.below(all.size())];
        const std::size_t a = rng.below(d.size() + 1), b = rng.below(o.size() + 1);
        d.resize(a);
        d.insert(d.end(), o.begin() + static_cast<long>(b), o.end());
        break;
      }
      default:  // copy a chunk over another place
        if (d.size() > 2) {
          const std::size_t from = rng.below(d.size()), to = rng.below(d.size());
          const std::size_t len = std::min({d.size() - from, d.size() - to, 1 + rng.below(16)});
          std::memmove(d.data() + to, d.data() + from, len);
        }
        break;
    }
  }
  if (d.size() > max_len) d.resize(max_len);
}
}  // namespace

int main(int argc, char** argv) {
  std::size_t mutations = 0, max_len = 4096;
  std::uint64_t seed = 1;
  std::vector<std::string> files;
  double slow_ms = 0;  // --slow-ms T: print the mutations that took longer than T ms
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mutations" && i + 1 < argc) mutations = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--max-len" && i + 1 < argc) max_len = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--slow-ms" && i + 1 < argc) slow_ms = std::strtod(argv[++i], nullptr);
    else {
      struct stat st;
      if (::stat(a.c_str(), &st) != 0) {
        std::fprintf(stderr, "replay: %s: not found\n", a.c_str());
        return 2;
      }
      if (S_ISDIR(st.st_mode)) {
        DIR* dir = ::opendir(a.c_str());
        std::vector<std::string> names;
        while (dirent* e = ::readdir(dir)) {
          const std::string name = e->d_name;
          if (name.empty() || name[0] == '.' || name == "README.md") continue;
          names.push_back(a + "/" + name);
        }
        ::closedir(dir);
        std::sort(names.begin(), names.end());  // a fixed order: the mutations are reproducible
        files.insert(files.end(), names.begin(), names.end());
      } else {
        files.push_back(a);
      }
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s [--mutations N] [--seed S] [--max-len L] CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  ::signal(SIGABRT, on_abort);
  ::signal(SIGSEGV, on_abort);
  std::vector<std::vector<std::uint8_t>> inputs(files.size());
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!read_file(files[i], inputs[i])) {
      std::fprintf(stderr, "replay: cannot read %s\n", files[i].c_str());
      return 2;
    }
    g_current = &inputs[i];
    g_current_name = files[i].c_str();
    LLVMFuzzerTestOneInput(inputs[i].data(), inputs[i].size());
  }
  Rng rng{seed};
  std::vector<std::uint8_t> d;
  std::string name;
  for (std::size_t m = 0; m < mutations; ++m) {
    const std::size_t from = m % inputs.size();
    d = inputs[from];
    mutate(d, inputs, rng, max_len);
    name = "mutation " + std::to_string(m) + " of " + files[from] + " (seed " + std::to_string(seed) + ")";
    g_current = &d;
    g_current_name = name.c_str();
    const auto t1 = std::chrono::steady_clock::now();
    LLVMFuzzerTestOneInput(d.data(), d.size());
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    if (slow_ms > 0 && dt * 1000 > slow_ms) {
      std::printf("slow: %.0f ms: %s:", dt * 1000, name.c_str());
      for (std::size_t b = 0; b < std::min<std::size_t>(d.size(), 12); ++b) std::printf(" %02x", d[b]);
      std::printf("\n");
    }
  }
  g_current = nullptr;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("replay: %zu corpus inputs and %zu mutations (seed %llu) passed in %.1f s\n", files.size(),
              mutations, static_cast<unsigned long long>(seed), secs);
  return 0;
}
