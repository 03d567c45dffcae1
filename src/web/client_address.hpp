// The client's IP address as the portal's rate limiter should see it, behind reverse proxies.
//
// Only the peer address is trusted by default. When the peer is one of the configured proxies
// ([portal] trusted_proxies), X-Forwarded-For is read from the right: each trusted proxy appended
// the address it received from, so the rightmost address that is not itself a trusted proxy is
// the client. Addresses further left were written by the client and are never believed (a client
// cannot escape the rate limit by sending its own X-Forwarded-For).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace incasso::web {

// A set of IPv4/IPv6 networks. Thread-safe to read once built.
class TrustedProxies {
 public:
  // "192.0.2.10", "10.0.0.0/8", "2001:db8::/32", "::1". InvalidArgument naming `field` and the
  // entry for anything else (host names are not accepted: they would need a resolver).
  static Result<TrustedProxies> Parse(const std::vector<std::string>& entries,
                                      std::string_view field = "portal.trusted_proxies");

  bool empty() const { return networks_.empty(); }
  // True when `address` (textual IP; IPv4-mapped IPv6 counts as IPv4) is in one of the networks.
  bool Contains(std::string_view address) const;

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 128;                      // over the 128-bit form
  };
  std::vector<Network> networks_;
};

// The client of a request that reached us from `peer` with these X-Forwarded-For header values
// (all of them, in order; each a comma-separated list). With no trusted proxies, or a peer that
// is not one, the peer itself.
std::string ClientAddress(const TrustedProxies& proxies, std::string_view peer,
                          const std::vector<std::string>& forwarded_for);

// The rate-limit key of a client address: an IPv4 address (also IPv4-mapped) as itself, an IPv6
// address as its /64 network ("2001:db8:1:2::/64"), since one subscriber usually holds a whole
// /64 and could otherwise look up notices from 2^64 addresses. Anything unparsable as given.
std::string RateLimitKey(std::string_view address);

}  // namespace incasso::web
