#include "web/client_address.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

namespace incasso::web {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The 128-bit form of a textual IPv4 or IPv6 address (IPv4 as ::ffff:a.b.c.d), and whether it
// was written as IPv4.
std::optional<std::array<std::uint8_t, 16>> ParseIp(std::string_view text, bool* v4 = nullptr) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  std::array<std::uint8_t, 16> out{};
  in_addr a4{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &a4, 4);
    if (v4 != nullptr) *v4 = true;
    return out;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    std::memcpy(out.data(), &a6, 16);
    if (v4 != nullptr) *v4 = false;
    return out;
  }
  return std::nullopt;
}

bool IsV4Mapped(const std::array<std::uint8_t, 16>& b) {
  for (int i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

// The canonical text of an address: IPv4-mapped addresses as plain IPv4, so that one client is
// one rate-limit key whichever way the socket reported it.
std::string Canonical(const std::array<std::uint8_t, 16>& b) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsV4Mapped(b)) {
    inet_ntop(AF_INET, b.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
  }
  return buf;
}

}  // namespace

std::string RateLimitKey(std::string_view address) {
  auto bytes = ParseIp(Trim(address));
  if (!bytes) return std::string(address);
  if (IsV4Mapped(*bytes)) return Canonical(*bytes);
  std::fill(bytes->begin() + 8, bytes->end(), std::uint8_t{0});
  return Canonical(*bytes) + "/64";
}

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries,
                                             std::string_view field) {
  TrustedProxies out;
  for (const std::string& raw : entries) {
    std::string_view entry = Trim(raw);
    std::string_view ip = entry;
    std::optional<int> prefix;
    if (std::size_t slash = entry.find('/'); slash != std::string_view::npos) {
      ip = entry.substr(0, slash);
      std::string_view bits = entry.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 ||
          bits.find_first_not_of("0123456789") != std::string_view::npos) {
        return InvalidArgument(std::string(field),
                               fmt::format("'{}' has a bad prefix length", entry));
      }
      prefix = std::stoi(std::string(bits));
    }
    bool v4 = false;
    auto bytes = ParseIp(ip, &v4);
    if (!bytes) {
      return InvalidArgument(std::string(field),
                             fmt::format("'{}' is not an IP address or CIDR network", entry));
    }
    const int max = v4 ? 32 : 128;
    if (prefix && *prefix > max) {
      return InvalidArgument(std::string(field),
                             fmt::format("'{}': the prefix length is at most {}", entry, max));
    }
    Network n;
    n.bytes = *bytes;
    n.prefix = (v4 ? 96 : 0) + prefix.value_or(max);
    // Bits past the prefix are cleared, so "10.1.2.3/8" means 10.0.0.0/8.
    for (int bit = n.prefix; bit < 128; ++bit) {
      n.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80 >> (bit % 8)));
    }
    out.networks_.push_back(n);
  }
  return out;
}

bool TrustedProxies::Contains(std::string_view address) const {
  auto bytes = ParseIp(Trim(address));
  if (!bytes) return false;
  for (const Network& n : networks_) {
    bool match = true;
    for (int bit = 0; bit < n.prefix && match; ++bit) {
      const std::uint8_t mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
      match = ((*bytes)[bit / 8] & mask) == (n.bytes[bit / 8] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string ClientAddress(const TrustedProxies& proxies, std::string_view peer,
                          const std::vector<std::string>& forwarded_for) {
  auto peer_bytes = ParseIp(Trim(peer));
  std::string client = peer_bytes ? Canonical(*peer_bytes) : std::string(peer);
  if (proxies.empty() || !proxies.Contains(client)) return client;
  // All the hops, left to right, then walked from the right.
  std::vector<std::string_view> hops;
  for (const std::string& header : forwarded_for) {
    std::string_view rest = header;
    while (true) {
      std::size_t comma = rest.find(',');
      hops.push_back(Trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = ParseIp(*it);
    // Garbage where a trusted proxy should have written an address: stop at the last proxy that
    // spoke sense rather than believe anything further left.
    if (!hop) break;
    client = Canonical(*hop);
    if (!proxies.Contains(client)) break;
  }
  return client;
}

}  // namespace incasso::web
