#include "nodesim/random_hex.hpp"

#include <fmt/format.h>

namespace incasso::nodesim {

RandomHex::RandomHex(std::uint64_t seed) : seeded_(seed != 0), rng_(seed) {}

std::string RandomHex::Next(int digits) {
  std::string out;
  std::lock_guard lock(mu_);
  while (static_cast<int>(out.size()) < digits) {
    std::uint64_t n = 0;
    if (seeded_) {
      n = rng_();
    } else {
      n = (static_cast<std::uint64_t>(device_()) << 32) | device_();
    }
    out += fmt::format("{:016x}", n);
  }
  out.resize(static_cast<std::size_t>(digits));
  return out;
}

}  // namespace incasso::nodesim
