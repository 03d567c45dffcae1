#include "web/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace incasso::web {
namespace {

using std::chrono::seconds;

TimePoint T0() { return TimePoint{seconds{1'800'000'000}}; }

TEST(RateLimiter, AllowsTheBurstThenRefusesWithRetryAfter) {
  FakeClock clock(T0());
  RateLimiter limiter({/*per_minute=*/6, /*burst=*/3, 100}, clock);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("1.2.3.4").allowed) << i;
  auto refused = limiter.Take("1.2.3.4");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, seconds{10});  // 6 a minute: one token every 10 s
}

TEST(RateLimiter, RefillsWithTimeButNeverBeyondTheBurst) {
  FakeClock clock(T0());
  RateLimiter limiter({6, 3, 100}, clock);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Take("a").allowed);
  clock.Advance(seconds{9});
  auto early = limiter.Take("a");
  EXPECT_FALSE(early.allowed);
  EXPECT_EQ(early.retry_after, seconds{1});
  clock.Advance(seconds{1});
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_FALSE(limiter.Take("a").allowed);
  clock.Advance(std::chrono::hours{24 * 400});  // a long idle time fills the bucket, no more
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("a").allowed) << i;
  EXPECT_FALSE(limiter.Take("a").allowed);
}

TEST(RateLimiter, ClientsHaveTheirOwnBuckets) {
  FakeClock clock(T0());
  RateLimiter limiter({1, 1, 100}, clock);
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_FALSE(limiter.Take("a").allowed);
  EXPECT_TRUE(limiter.Take("b").allowed);
}

TEST(RateLimiter, ForgetsTheLeastRecentlyUsedClientBeyondTheCap) {
  FakeClock clock(T0());
  RateLimiter limiter({1, 1, 2}, clock);
  EXPECT_TRUE(limiter.Take("a").allowed);
  EXPECT_TRUE(limiter.Take("b").allowed);
  EXPECT_FALSE(limiter.Take("b").allowed);
  EXPECT_TRUE(limiter.Take("c").allowed);   // evicts "a", the least recently used
  EXPECT_FALSE(limiter.Take("b").allowed);  // "b" is still remembered
  EXPECT_TRUE(limiter.Take("a").allowed);   // "a" starts again with a full bucket
}

TEST(RateLimiter, ClockGoingBackwardsAddsNothing) {
  FakeClock clock(T0());
  RateLimiter limiter({60, 1, 10}, clock);
  EXPECT_TRUE(limiter.Take("a").allowed);
  clock.Set(T0() - seconds{3600});
  EXPECT_FALSE(limiter.Take("a").allowed);
}

}  // namespace
}  // namespace incasso::web
