// Random hexadecimal identifiers for the node simulator: payment tokens (receiptId), cart ids and
// CSRF tokens.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace incasso::nodesim {

// Thread-safe. With seed 0 every digit comes from the operating system's random source
// (std::random_device reads getrandom on Linux), so CSRF tokens cannot be predicted; any other
// seed gives a reproducible sequence for tests (STYLE.md rule 14: seeded randomness).
class RandomHex {
 public:
  explicit RandomHex(std::uint64_t seed = 0);
  // `digits` lower-case hex digits (a multiple of 16 is cheapest).
  std::string Next(int digits = 32);

 private:
  std::mutex mu_;
  bool seeded_;
  std::mt19937_64 rng_;
  std::random_device device_;
};

}  // namespace incasso::nodesim
