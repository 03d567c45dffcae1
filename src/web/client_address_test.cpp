#include "web/client_address.hpp"

#include <gtest/gtest.h>

namespace incasso::web {
namespace {

TrustedProxies Proxies(const std::vector<std::string>& entries) {
  auto p = TrustedProxies::Parse(entries);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return p.ok() ? *p : TrustedProxies();
}

TEST(ClientAddressTest, WithoutTrustedProxiesThePeerCountsAndForwardedForIsIgnored) {
  TrustedProxies none = Proxies({});
  EXPECT_EQ(ClientAddress(none, "203.0.113.7", {"198.51.100.1"}), "203.0.113.7");
  EXPECT_EQ(ClientAddress(none, "::ffff:203.0.113.7", {}), "203.0.113.7");  // one client, one key
}

TEST(ClientAddressTest, AnUntrustedPeerCannotChooseItsAddress) {
  TrustedProxies p = Proxies({"10.0.0.0/8"});
  // A client talking to us directly sends its own X-Forwarded-For to dodge the rate limit.
  EXPECT_EQ(ClientAddress(p, "203.0.113.7", {"1.2.3.4"}), "203.0.113.7");
  EXPECT_EQ(ClientAddress(p, "203.0.113.7", {"10.0.0.1"}), "203.0.113.7");
}

TEST(ClientAddressTest, BehindATrustedProxyTheRightmostUntrustedHopIsTheClient) {
  TrustedProxies p = Proxies({"10.0.0.0/8", "192.0.2.10"});
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {"203.0.113.7"}), "203.0.113.7");
  // The client wrote "1.2.3.4, 5.6.7.8" itself; the proxy appended what it saw.
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {"1.2.3.4, 5.6.7.8, 203.0.113.7"}), "203.0.113.7");
  // Two trusted proxies in a row (CDN -> load balancer -> us).
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {"1.2.3.4, 203.0.113.7, 192.0.2.10"}), "203.0.113.7");
  // Several header lines are one list, in order.
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {"1.2.3.4", "203.0.113.7 , 10.9.9.9"}), "203.0.113.7");
  // No header: the proxy itself (all its clients share one budget, which is safe).
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {}), "10.1.2.3");
  // Only trusted hops: the leftmost of them.
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {"10.5.5.5, 192.0.2.10"}), "10.5.5.5");
}

TEST(ClientAddressTest, GarbageStopsTheWalk) {
  TrustedProxies p = Proxies({"10.0.0.0/8"});
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {"203.0.113.7, unknown"}), "10.1.2.3");
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {"not-an-ip, 203.0.113.7"}), "203.0.113.7");
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {std::string(5000, '9')}), "10.1.2.3");
  EXPECT_EQ(ClientAddress(p, "10.1.2.3", {",,,"}), "10.1.2.3");
}

TEST(ClientAddressTest, IPv6AndMappedAddresses) {
  TrustedProxies p = Proxies({"2001:db8::/32", "::1"});
  EXPECT_EQ(ClientAddress(p, "2001:db8:0:0::5", {"2001:db9::42"}), "2001:db9::42");
  EXPECT_EQ(ClientAddress(p, "::1", {"203.0.113.7"}), "203.0.113.7");
  EXPECT_EQ(ClientAddress(p, "2001:db9::1", {"203.0.113.7"}), "2001:db9::1");
  // An IPv4 network also matches the IPv4-mapped form a dual-stack socket reports.
  TrustedProxies v4 = Proxies({"127.0.0.1"});
  EXPECT_EQ(ClientAddress(v4, "::ffff:127.0.0.1", {"::ffff:203.0.113.7"}), "203.0.113.7");
}

TEST(ClientAddressTest, NetworksMatchOnTheirPrefixOnly) {
  TrustedProxies p = Proxies({"10.1.2.3/16", "192.168.1.0/24"});
  EXPECT_TRUE(p.Contains("10.1.200.200"));
  EXPECT_FALSE(p.Contains("10.2.0.0"));
  EXPECT_TRUE(p.Contains("192.168.1.255"));
  EXPECT_FALSE(p.Contains("192.168.2.1"));
  EXPECT_FALSE(p.Contains("garbage"));
  EXPECT_TRUE(Proxies({"0.0.0.0/0"}).Contains("8.8.8.8"));
  EXPECT_FALSE(Proxies({"0.0.0.0/0"}).Contains("2001:db8::1"));
  EXPECT_TRUE(Proxies({"::/0"}).Contains("2001:db8::1"));
}

TEST(ClientAddressTest, RateLimitKeysGroupAnIpv6SubscriberByItsSlash64) {
  EXPECT_EQ(RateLimitKey("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(RateLimitKey("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(RateLimitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(RateLimitKey("2001:db8:1:2::1"), RateLimitKey("2001:db8:1:2:ffff::9"));
  EXPECT_NE(RateLimitKey("2001:db8:1:2::1"), RateLimitKey("2001:db8:1:3::1"));
  EXPECT_EQ(RateLimitKey("::1"), "::/64");
  EXPECT_EQ(RateLimitKey("not an address"), "not an address");
}

TEST(ClientAddressTest, BadEntriesAreNamed) {
  for (const char* bad :
       {"proxy.example", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "1.2.3", ""}) {
    auto p = TrustedProxies::Parse({bad});
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().field, "portal.trusted_proxies");
  }
}

}  // namespace
}  // namespace incasso::web
